#include "runtime/block_on.hpp"
#include "runtime/multi_thread_runtime.hpp"
#include "runtime/oneshot.hpp"
#include "runtime/sleep.hpp"
#include "runtime/spawn.hpp"
#include "test_util.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <new>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace {

rt::task<int> twice(int x) {
    co_await rt::yield_now();
    co_return 2 * x;
}

rt::task<int> throws_logic() {
    co_await rt::yield_now();
    throw std::logic_error("spawned failure");
}

rt::task<std::string> worker_name() {
    co_await rt::yield_now();
    co_return rt_test::thread_name();
}

} // namespace

TEST_CASE("a spawned task's value is returned by awaiting its join_handle", "[runtime][spawn]") {
    auto result = rt::block_on([]() -> rt::task<int> {
        auto a = rt::spawn(twice(3));
        auto b = rt::spawn(twice(4));
        co_return co_await a + co_await b;
    }());
    CHECK(result == 14);
}

TEST_CASE("a spawned task's exception is rethrown by its join_handle", "[runtime][spawn]") {
    auto outcome = rt::block_on([]() -> rt::task<std::string> {
        auto h = rt::spawn(throws_logic());
        try {
            co_await h;
        } catch (const std::logic_error& e) {
            co_return e.what();
        }
        co_return "no exception";
    }());
    CHECK(outcome == "spawned failure");
}

namespace {
/// A result whose move constructor throws on the move number `fatal` of its life (counted in
/// the value: each move makes a value one generation older). 0: never.
struct brittle {
    explicit brittle(int fatal) : fatal_move(fatal) {}
    brittle(brittle&& from) : moves(from.moves + 1), fatal_move(from.fatal_move) {
        if (moves == fatal_move) {
            throw std::runtime_error("move " + std::to_string(moves) + " threw");
        }
    }
    brittle(const brittle&) = delete;
    brittle& operator=(const brittle&) = delete;
    brittle& operator=(brittle&&) = default; // std::variant assigns only movable types
    ~brittle() = default;
    int moves = 0;
    int fatal_move = 0;
};

rt::task<brittle> make_brittle(int fatal) {
    co_await rt::yield_now();
    co_return brittle(fatal);
}

/// Spawns make_brittle(fatal) and awaits it: "value after N moves" or the exception's text.
std::string join_brittle(int fatal) {
    return rt::block_on([](int f) -> rt::task<std::string> {
        auto h = rt::spawn(make_brittle(f));
        try {
            const brittle b = co_await h;
            co_return "value after " + std::to_string(b.moves) + " moves";
        } catch (const std::runtime_error& e) {
            co_return e.what();
        }
    }(fatal));
}
} // namespace

TEST_CASE("a result whose move throws reaches the joiner as the task's exception, at every move",
          "[runtime][spawn]") {
    // Moves from co_return to the joiner: into the promise, out of the frame, into the result
    // slot, out of it, into the awaiter's variable. Whichever of them throws, the joiner gets
    // that exception (before slot::complete caught it, the move into the slot ended the
    // program: task_cell::finish is noexcept).
    const std::string whole = join_brittle(0);
    REQUIRE(whole.rfind("value after ", 0) == 0);
    const int moves = std::stoi(whole.substr(12));
    REQUIRE(moves >= 3);
    for (int fatal = 1; fatal <= moves; ++fatal) {
        CHECK(join_brittle(fatal) == "move " + std::to_string(fatal) + " threw");
    }
    CHECK(join_brittle(moves + 1) == whole);
}

TEST_CASE("a join_handle carries the task name and the spawn site", "[runtime][spawn]") {
    rt::block_on([]() -> rt::task<void> {
        auto h = rt::spawn(twice(1), "doubler");
        CHECK(h.name() == "doubler");
        CHECK(std::string(h.location().file_name()).find("spawn_test.cpp") != std::string::npos);
        CHECK(h.location().line() > 0);
        int value = co_await h;
        CHECK(value == 2);
    }());
}

TEST_CASE("a dropped join_handle lets its task run to completion", "[runtime][spawn]") {
    auto [tx, rx] = rt::oneshot<int>();
    auto got = rt::block_on(
        [](rt::oneshot_sender<int> sender, rt::oneshot_receiver<int> receiver) -> rt::task<int> {
            {
                auto h = rt::spawn([](rt::oneshot_sender<int> s) -> rt::task<void> {
                    co_await rt::sleep_for(5ms);
                    s.send(99);
                }(std::move(sender)));
                // h is dropped here without detach(): like tokio, the task keeps running.
            }
            auto v = co_await receiver.recv();
            co_return v.value_or(-1);
        }(std::move(tx), std::move(rx)));
    CHECK(got == 99);
}

TEST_CASE("detach lets a task finish and the runtime counts it as finished", "[runtime][spawn]") {
    rt::current_thread_runtime rt;
    std::atomic<int> done{0};
    rt.block_on([](std::atomic<int>& d) -> rt::task<void> {
        rt::spawn([](std::atomic<int>& d2) -> rt::task<void> {
            co_await rt::sleep_for(1ms);
            ++d2;
        }(d))
            .detach();
        co_await rt::sleep_for(50ms);
    }(done));
    CHECK(done == 1);
    CHECK(rt.live_tasks() == 0);
}

TEST_CASE("tasks still pending at runtime destruction are destroyed", "[runtime][spawn]") {
    auto [tx, rx] = rt::oneshot<int>();
    bool receiver_dropped = false;
    {
        rt::current_thread_runtime rt;
        rt.block_on([](rt::oneshot_receiver<int> r) -> rt::task<void> {
            // Parked forever: nobody sends. Only the runtime's destructor can end it.
            rt::spawn([](rt::oneshot_receiver<int> r2) -> rt::task<void> {
                co_await r2.recv();
            }(std::move(r)))
                .detach();
            co_await rt::yield_now();
        }(std::move(rx)));
        CHECK(rt.live_tasks() == 1);
    }
    // Destroying the parked frame destroyed the receiver, so sending now reports failure.
    receiver_dropped = !tx.send(1);
    CHECK(receiver_dropped);
}

namespace {
/// Sets *flag when destroyed (a moved-from probe sets nothing).
struct probe {
    bool* flag;
    explicit probe(bool* f) : flag(f) {}
    probe(probe&& other) noexcept : flag(std::exchange(other.flag, nullptr)) {}
    probe& operator=(probe&&) = delete;
    ~probe() {
        if (flag != nullptr) {
            *flag = true;
        }
    }
};

// `p` is a parameter: its copy in the frame lives until the frame is destroyed, not just until
// the body returns.
rt::task<int> holds(probe p) {
    co_await rt::yield_now();
    co_return p.flag != nullptr ? 7 : 0;
}
} // namespace

TEST_CASE("a finished task's frame is freed before its join_handle is awaited",
          "[runtime][spawn][memory]") {
    bool frame_gone = false;
    bool gone_before_join = false;
    int value = 0;
    rt::block_on([&]() -> rt::task<void> {
        auto h = rt::spawn(holds(probe(&frame_gone)));
        CHECK_FALSE(frame_gone);
        while (!h.is_finished()) {
            co_await rt::yield_now();
        }
        gone_before_join = frame_gone; // only the result is kept for the handle
        value = co_await h;
    }());
    CHECK(gone_before_join);
    CHECK(value == 7);
}

TEST_CASE("spawning a moved-from task throws logic_error", "[runtime][spawn]") {
    rt::block_on([]() -> rt::task<void> {
        auto t = twice(1);
        auto h = rt::spawn(std::move(t));
        CHECK_THROWS_AS(rt::spawn(std::move(t)), std::logic_error);
        const int v = co_await h;
        CHECK(v == 2);
    }());
}

namespace {
/// A runtime whose schedule() always fails, as it would on std::bad_alloc.
class unschedulable_runtime final : public rt::runtime {
  public:
    ~unschedulable_runtime() override { shutdown(); }
    using rt::scheduler::schedule;
    void schedule(std::coroutine_handle<>, rt::task_ref) override { throw std::bad_alloc(); }
};
} // namespace

TEST_CASE("a spawn whose scheduling fails throws and leaves no task behind", "[runtime][spawn]") {
    unschedulable_runtime rt;
    bool frame_gone = false;
    CHECK_THROWS_AS(rt::spawn_on(rt, holds(probe(&frame_gone))), std::bad_alloc);
    CHECK(rt.live_tasks() == 0); // unregistered again, not left for shutdown
    CHECK(frame_gone);           // the unstarted frame went with the last reference
}

TEST_CASE("spawn outside a runtime throws logic_error", "[runtime][spawn]") {
    CHECK_THROWS_AS(rt::spawn(twice(1)), std::logic_error);
}

TEST_CASE("nested block_on throws logic_error", "[runtime][block_on]") {
    auto nested = rt::block_on([]() -> rt::task<bool> {
        try {
            rt::block_on(twice(1));
        } catch (const std::logic_error&) {
            co_return true;
        }
        co_return false;
    }());
    CHECK(nested);
}

TEST_CASE("spawn on the multi-thread runtime runs on threads named rt-worker",
          "[runtime][spawn][multi_thread]") {
    rt::multi_thread_runtime rt(3);
    CHECK(rt.worker_count() == 3);
    auto names = rt.block_on([]() -> rt::task<std::set<std::string>> {
        std::vector<rt::join_handle<std::string>> handles;
        for (int i = 0; i < 50; ++i) {
            handles.push_back(rt::spawn(worker_name()));
        }
        std::set<std::string> seen;
        for (auto& h : handles) {
            seen.insert(co_await h);
        }
        co_return seen;
    }());
    REQUIRE_FALSE(names.empty());
    for (const auto& n : names) {
        INFO(n);
        CHECK((n == "rt-worker-0" || n == "rt-worker-1" || n == "rt-worker-2"));
    }
    CHECK_FALSE(rt_test::starts_with(rt_test::thread_name(), "rt-worker"));
}

TEST_CASE("block_on on the multi-thread runtime returns the value and rethrows",
          "[runtime][block_on][multi_thread]") {
    rt::multi_thread_runtime rt(2);
    CHECK(rt.block_on(twice(21)) == 42);
    CHECK_THROWS_AS(rt.block_on(throws_logic()), std::logic_error);
}

TEST_CASE("many spawned tasks on the multi-thread runtime all complete",
          "[runtime][spawn][multi_thread]") {
    rt::multi_thread_runtime rt(4);
    std::atomic<int> counter{0};
    auto sum = rt.block_on([](std::atomic<int>& c) -> rt::task<long> {
        std::vector<rt::join_handle<int>> handles;
        for (int i = 0; i < 1000; ++i) {
            handles.push_back(rt::spawn([](int v, std::atomic<int>& c2) -> rt::task<int> {
                co_await rt::yield_now();
                ++c2;
                co_return v;
            }(i, c)));
        }
        long total = 0;
        for (auto& h : handles) {
            total += co_await h;
        }
        co_return total;
    }(counter));
    CHECK(sum == 999L * 1000 / 2);
    CHECK(counter == 1000);
}

namespace {

// Spawns a task (onto this worker's own queue), then blocks this worker until the task has
// run or `patience` has passed: only another worker stealing it can run it meanwhile.
rt::task<std::pair<bool, std::string>> spawn_then_block(std::chrono::milliseconds patience) {
    auto ran_on = std::make_shared<rt::detail::completion_signal>();
    auto thread = std::make_shared<std::string>();
    auto h = rt::spawn([](std::shared_ptr<rt::detail::completion_signal> done,
                          std::shared_ptr<std::string> name) -> rt::task<void> {
        *name = rt_test::thread_name();
        done->notify();
        co_return;
    }(ran_on, thread));
    const bool stolen = ran_on->wait_for(patience); // a deliberate blocking wait on a worker
    co_await h;
    co_return std::pair{stolen, *thread};
}

} // namespace

TEST_CASE("a task spawned by a blocked worker is stolen by another worker",
          "[runtime][spawn][multi_thread]") {
    rt::multi_thread_runtime rt(2);
    const auto [stolen, thread] = rt.block_on([]() -> rt::task<std::pair<bool, std::string>> {
        const std::string self = rt_test::thread_name();
        auto [was_stolen, ran_on] = co_await spawn_then_block(std::chrono::seconds(5));
        co_return std::pair{was_stolen && ran_on != self, ran_on};
    }());
    INFO("ran on " << thread);
    CHECK(stolen);
    CHECK(thread.rfind("rt-worker-", 0) == 0);
}

namespace {

// Yields in a loop until `stop`, or until `give_up` passes (so a starved timer fails the test
// instead of hanging it). Returns whether `stop` ended the loop.
rt::task<bool> spin_until(std::shared_ptr<std::atomic<bool>> stop,
                          std::chrono::steady_clock::time_point give_up) {
    while (!stop->load()) {
        if (std::chrono::steady_clock::now() > give_up) {
            co_return false;
        }
        co_await rt::yield_now{};
    }
    co_return true;
}

} // namespace

TEST_CASE("timers still fire while every worker runs tasks that keep yielding",
          "[runtime][spawn][multi_thread]") {
    // Each worker's own queue never empties; the timer's wake-up comes through the shared
    // queue, which must still be served.
    rt::multi_thread_runtime rt(2);
    const bool all_stopped = rt.block_on([]() -> rt::task<bool> {
        auto stop = std::make_shared<std::atomic<bool>>(false);
        const auto give_up = std::chrono::steady_clock::now() + 5s;
        std::vector<rt::join_handle<bool>> spinners;
        for (int i = 0; i < 4; ++i) {
            spinners.push_back(rt::spawn(spin_until(stop, give_up)));
        }
        co_await rt::sleep_for(20ms);
        stop->store(true);
        bool all = true;
        for (auto& h : spinners) {
            all = (co_await h) && all;
        }
        co_return all;
    }());
    CHECK(all_stopped);
}
