#include "runtime/block_on.hpp"
#include "runtime/join_all.hpp"
#include "runtime/multi_thread_runtime.hpp"
#include "runtime/spawn_blocking.hpp"
#include "test_util.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

TEST_CASE("spawn_blocking runs on an rt-blocking thread and not on a worker",
          "[runtime][spawn_blocking][multi_thread]") {
    rt::multi_thread_runtime rt(2);
    auto [blocking_name, worker_name] =
        rt.block_on([]() -> rt::task<std::pair<std::string, std::string>> {
            auto name = co_await rt::spawn_blocking([] { return rt_test::thread_name(); });
            co_return std::pair{name, rt_test::thread_name()};
        }());
    CHECK(rt_test::starts_with(blocking_name, "rt-blocking-"));
    CHECK(rt_test::starts_with(worker_name, "rt-worker-"));
}

TEST_CASE("spawn_blocking does not occupy the single run-loop thread",
          "[runtime][spawn_blocking]") {
    // Two blocking calls that each wait for the other can only finish if they run on two
    // pool threads while the run loop stays free.
    auto ok = rt::block_on([]() -> rt::task<bool> {
        auto flag = std::make_shared<std::atomic<int>>(0);
        auto wait_for_both = [flag] {
            ++*flag;
            while (flag->load() < 2) {
                std::this_thread::yield();
            }
            return true;
        };
        std::vector<rt::task<bool>> calls;
        calls.push_back(rt::spawn_blocking(wait_for_both));
        calls.push_back(rt::spawn_blocking(wait_for_both));
        auto results = co_await rt::join_all(std::move(calls));
        co_return results[0] && results[1];
    }());
    CHECK(ok);
}

TEST_CASE("spawn_blocking rethrows the function's exception", "[runtime][spawn_blocking]") {
    CHECK_THROWS_WITH(rt::block_on(rt::spawn_blocking(
                          []() -> int { throw std::runtime_error("blocking failure"); })),
                      "blocking failure");
}

TEST_CASE("spawn_blocking is lazy and supports void and move-only functions",
          "[runtime][spawn_blocking]") {
    auto ran = std::make_shared<std::atomic<bool>>(false);
    auto t = rt::spawn_blocking([ran, owned = std::make_unique<int>(5)] { *ran = *owned == 5; });
    CHECK_FALSE(*ran);
    rt::block_on(std::move(t));
    CHECK(*ran);
}

namespace {
std::string digest(std::string body, std::unique_ptr<int> factor) {
    return rt_test::thread_name() + ":" +
           std::to_string(body.size() * static_cast<std::size_t>(*factor));
}

rt::task<std::string> digest_on_pool(std::string body) {
    // The form GCC 12.2 compiles correctly (this file is compiled by the project's compiler):
    // the arguments are moved into spawn_blocking, no capturing lambda inside the co_await.
    co_return co_await rt::spawn_blocking(digest, std::move(body), std::make_unique<int>(3));
}
} // namespace

TEST_CASE("spawn_blocking(fn, args...) moves its arguments, move-only ones too, to the pool",
          "[runtime][spawn_blocking][multi_thread]") {
    rt::multi_thread_runtime rt(2);
    const std::string got = rt.block_on(digest_on_pool(std::string(100, 'x')));
    CHECK(rt_test::starts_with(got, "rt-blocking-"));
    CHECK(got.substr(got.find(':') + 1) == "300");
}
