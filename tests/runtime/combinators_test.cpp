#include "runtime/block_on.hpp"
#include "runtime/join_all.hpp"
#include "runtime/multi_thread_runtime.hpp"
#include "runtime/sleep.hpp"
#include "runtime/timeout.hpp"
#include "runtime/when_any.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

using namespace std::chrono_literals;

namespace {

rt::task<int> after(std::chrono::milliseconds d, int value) {
    co_await rt::sleep_for(d);
    co_return value;
}

rt::task<int> fail_after(std::chrono::milliseconds d, std::string message) {
    co_await rt::sleep_for(d);
    throw std::runtime_error(message);
}

rt::task<void> nothing_after(std::chrono::milliseconds d) { co_await rt::sleep_for(d); }

rt::task<std::string> text_after(std::chrono::milliseconds d, std::string text) {
    co_await rt::sleep_for(d);
    co_return text;
}

} // namespace

TEST_CASE("join_all returns values in input order not completion order", "[runtime][join_all]") {
    auto values = rt::block_on([]() -> rt::task<std::vector<int>> {
        std::vector<rt::task<int>> tasks;
        tasks.push_back(after(30ms, 1));
        tasks.push_back(after(10ms, 2));
        tasks.push_back(after(20ms, 3));
        co_return co_await rt::join_all(std::move(tasks));
    }());
    CHECK(values == std::vector<int>{1, 2, 3});
}

TEST_CASE("join_all runs its tasks concurrently", "[runtime][join_all]") {
    auto start = std::chrono::steady_clock::now();
    rt::block_on([]() -> rt::task<void> {
        std::vector<rt::task<int>> tasks;
        for (int i = 0; i < 10; ++i) {
            tasks.push_back(after(100ms, i));
        }
        co_await rt::join_all(std::move(tasks));
    }());
    // Ten 100 ms sleeps one after another would take a second.
    CHECK(std::chrono::steady_clock::now() - start < 900ms);
}

TEST_CASE("join_all rethrows the first failure in input order after all finish",
          "[runtime][join_all]") {
    auto message = rt::block_on([]() -> rt::task<std::string> {
        std::vector<rt::task<int>> tasks;
        tasks.push_back(after(5ms, 1));
        tasks.push_back(fail_after(20ms, "second"));
        tasks.push_back(fail_after(1ms, "third"));
        try {
            co_await rt::join_all(std::move(tasks));
        } catch (const std::runtime_error& e) {
            co_return e.what();
        }
        co_return "none";
    }());
    CHECK(message == "second");
}

TEST_CASE("variadic join_all returns a tuple and maps void to monostate", "[runtime][join_all]") {
    auto [a, unit, b] =
        rt::block_on(rt::join_all(after(10ms, 4), nothing_after(1ms), after(1ms, 5)));
    CHECK(a == 4);
    CHECK(unit == std::monostate{});
    CHECK(b == 5);
}

TEST_CASE("join_all on the multi-thread runtime keeps input order",
          "[runtime][join_all][multi_thread]") {
    rt::multi_thread_runtime rt(4);
    auto values = rt.block_on([]() -> rt::task<std::vector<int>> {
        std::vector<rt::task<int>> tasks;
        for (int i = 0; i < 100; ++i) {
            tasks.push_back(after(std::chrono::milliseconds(i % 7), i));
        }
        co_return co_await rt::join_all(std::move(tasks));
    }());
    REQUIRE(values.size() == 100);
    for (int i = 0; i < 100; ++i) {
        CHECK(values[static_cast<std::size_t>(i)] == i);
    }
}

TEST_CASE("when_any returns the first task to finish and its index", "[runtime][when_any]") {
    auto winner = rt::block_on([]() -> rt::task<rt::when_any_result<int>> {
        std::vector<rt::task<int>> tasks;
        tasks.push_back(after(300ms, 10));
        tasks.push_back(after(5ms, 20));
        tasks.push_back(after(200ms, 30));
        co_return co_await rt::when_any(std::move(tasks));
    }());
    CHECK(winner.index == 1);
    CHECK(winner.value == 20);
}

TEST_CASE("when_any rethrows when the first task to finish threw", "[runtime][when_any]") {
    CHECK_THROWS_WITH(rt::block_on([]() -> rt::task<int> {
                          std::vector<rt::task<int>> tasks;
                          tasks.push_back(after(300ms, 1));
                          tasks.push_back(fail_after(1ms, "fast failure"));
                          co_return (co_await rt::when_any(std::move(tasks))).value;
                      }()),
                      "fast failure");
}

TEST_CASE("when_any of no tasks throws invalid_argument", "[runtime][when_any]") {
    CHECK_THROWS_AS(rt::block_on(rt::when_any(std::vector<rt::task<int>>{})),
                    std::invalid_argument);
}

// The losers below sleep 10 s: block_on returns with the winner, and the runtime destroys
// them unfinished, so no timing margin decides these tests.
TEST_CASE("variadic when_any returns the first of tasks of different types as a variant",
          "[runtime][when_any]") {
    auto winner = rt::block_on([]() -> rt::task<std::variant<int, std::string, std::monostate>> {
        co_return co_await rt::when_any(after(10s, 1), text_after(1ms, "b"), nothing_after(10s));
    }());
    REQUIRE(winner.index() == 1);
    CHECK(std::get<1>(winner) == "b");
}

TEST_CASE("variadic when_any tells apart tasks of the same type and a void winner",
          "[runtime][when_any]") {
    auto same = rt::block_on([]() -> rt::task<std::variant<int, int>> {
        co_return co_await rt::when_any(after(10s, 7), after(1ms, 8));
    }());
    REQUIRE(same.index() == 1);
    CHECK(std::get<1>(same) == 8);
    auto void_won = rt::block_on([]() -> rt::task<std::variant<int, std::monostate>> {
        co_return co_await rt::when_any(after(10s, 7), nothing_after(1ms));
    }());
    CHECK(void_won.index() == 1);
}

TEST_CASE("variadic when_any rethrows when the first task to finish threw", "[runtime][when_any]") {
    CHECK_THROWS_WITH(rt::block_on([]() -> rt::task<void> {
                          (void)co_await rt::when_any(text_after(10s, "slow"),
                                                      fail_after(1ms, "fast failure"));
                      }()),
                      "fast failure");
}

TEST_CASE("timeout returns the value when the task finishes in time", "[runtime][timeout]") {
    auto r = rt::block_on(rt::timeout(2s, after(5ms, 8)));
    REQUIRE_FALSE(r.is_timed_out());
    CHECK(r.value() == 8);
}

TEST_CASE("timeout returns timed_out when the deadline passes first", "[runtime][timeout]") {
    auto r = rt::block_on(rt::timeout(10ms, after(10s, 8)));
    CHECK(r.is_timed_out());
    CHECK_FALSE(static_cast<bool>(r));
    CHECK_THROWS_AS(r.value(), std::logic_error);
}

TEST_CASE("timeout rethrows the exception of a task that fails in time", "[runtime][timeout]") {
    CHECK_THROWS_WITH(rt::block_on(rt::timeout(2s, fail_after(1ms, "early"))), "early");
}

TEST_CASE("timeout cancels its timer when the task wins", "[runtime][timeout]") {
    rt::current_thread_runtime rt;
    auto r = rt.block_on(rt::timeout(10s, after(1ms, 3)));
    CHECK(r.value() == 3);
    CHECK(rt.io().pending_timers() == 0);
}

TEST_CASE("timeout works on the multi-thread runtime", "[runtime][timeout][multi_thread]") {
    rt::multi_thread_runtime rt(2);
    CHECK(rt.block_on(rt::timeout(5s, after(1ms, 1))).value() == 1);
    CHECK(rt.block_on(rt::timeout(5ms, after(10s, 1))).is_timed_out());
}

TEST_CASE("when_any works on the multi-thread runtime", "[runtime][when_any][multi_thread]") {
    rt::multi_thread_runtime rt(3);
    auto winner = rt.block_on([]() -> rt::task<rt::when_any_result<int>> {
        std::vector<rt::task<int>> tasks;
        tasks.push_back(after(2s, 1));
        tasks.push_back(after(2s, 2));
        tasks.push_back(after(1ms, 3));
        co_return co_await rt::when_any(std::move(tasks));
    }());
    CHECK(winner.index == 2);
    CHECK(winner.value == 3);
}
