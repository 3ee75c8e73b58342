#include "runtime/block_on.hpp"
#include "runtime/join_all.hpp"
#include "runtime/multi_thread_runtime.hpp"
#include "runtime/oneshot.hpp"
#include "runtime/reactor.hpp"
#include "runtime/sleep.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

rt::task<void>
sleep_then_record(std::chrono::milliseconds d, int id, std::mutex& m, std::vector<int>& order) {
    co_await rt::sleep_for(d);
    std::lock_guard lock(m);
    order.push_back(id);
}

// `step` apart, so that a slow worker cannot resume one sleeper after the next one's deadline.
rt::task<std::vector<int>> three_sleeps(std::chrono::milliseconds step) {
    std::mutex m;
    std::vector<int> order;
    std::vector<rt::task<void>> sleeps;
    sleeps.push_back(sleep_then_record(3 * step, 3, m, order));
    sleeps.push_back(sleep_then_record(1 * step, 1, m, order));
    sleeps.push_back(sleep_then_record(2 * step, 2, m, order));
    co_await rt::join_all(std::move(sleeps));
    co_return order;
}

} // namespace

TEST_CASE("three sleeps complete in deadline order", "[runtime][sleep]") {
    CHECK(rt::block_on(three_sleeps(20ms)) == std::vector<int>{1, 2, 3});
}

TEST_CASE("three sleeps complete in deadline order on the multi-thread runtime",
          "[runtime][sleep][multi_thread]") {
    rt::multi_thread_runtime rt(4);
    CHECK(rt.block_on(three_sleeps(150ms)) == std::vector<int>{1, 2, 3});
}

TEST_CASE("sleep_for waits at least its duration", "[runtime][sleep]") {
    auto start = std::chrono::steady_clock::now();
    rt::block_on([]() -> rt::task<void> { co_await rt::sleep_for(30ms); }());
    CHECK(std::chrono::steady_clock::now() - start >= 30ms);
}

TEST_CASE("a sleep whose deadline has passed completes without suspending", "[runtime][sleep]") {
    auto sleeper = rt::sleep_until(std::chrono::steady_clock::now() - 1s);
    CHECK(sleeper.await_ready());
}

TEST_CASE("a cancelled reactor timer never fires", "[runtime][reactor]") {
    rt::reactor r;
    int fired = 0;
    auto now = rt::reactor::clock::now();
    auto a = r.add_timer(now, [&] { ++fired; });
    auto b = r.add_timer(now, [&] { fired += 10; });
    CHECK(r.cancel(b));
    r.poll(std::chrono::milliseconds(0));
    CHECK(fired == 1);
    CHECK_FALSE(r.cancel(a)); // already fired
    CHECK(r.pending_timers() == 0);
}

TEST_CASE("reactor wake interrupts a poll from another thread", "[runtime][reactor]") {
    rt::reactor r;
    std::thread waker([&] {
        std::this_thread::sleep_for(10ms);
        r.wake();
    });
    // Without the wake-up this poll would sleep for the full 60 seconds.
    r.poll(std::chrono::seconds(60));
    waker.join();
    SUCCEED("poll returned");
}

TEST_CASE("a std::thread completing a oneshot wakes a block_on that awaits it",
          "[runtime][oneshot][cross_thread]") {
    auto [tx, rx] = rt::oneshot<int>();
    std::thread sender([sending = std::move(tx)]() mutable {
        std::this_thread::sleep_for(20ms);
        sending.send(7);
    });
    auto got = rt::block_on([](rt::oneshot_receiver<int> r) -> rt::task<std::optional<int>> {
        co_return co_await r.recv();
    }(std::move(rx)));
    sender.join();
    REQUIRE(got.has_value());
    CHECK(*got == 7);
}
