// Cancellation (runtime/include/runtime/cancel.hpp): delivered at every suspension point,
// unwinding the task, and reaching the children it awaits; timeout, when_any, join_all and
// task_group cancel what they own. A task that is not cancelled promptly would wait for an
// hour: every join below is bounded by rt::timeout, so such a failure is an assertion, not a
// hang.

#include "runtime/block_on.hpp"
#include "runtime/cancel.hpp"
#include "runtime/join_all.hpp"
#include "runtime/mpsc.hpp"
#include "runtime/multi_thread_runtime.hpp"
#include "runtime/mutex.hpp"
#include "runtime/net/readiness.hpp"
#include "runtime/oneshot.hpp"
#include "runtime/semaphore.hpp"
#include "runtime/sleep.hpp"
#include "runtime/spawn.hpp"
#include "runtime/spawn_blocking.hpp"
#include "runtime/task_group.hpp"
#include "runtime/timeout.hpp"
#include "runtime/when_any.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

namespace {

/// What a task did: whether it got past its suspension point, and whether its frame's
/// destructors ran.
struct trail {
    std::atomic<bool> parked{false};
    std::atomic<bool> passed{false};
    std::atomic<bool> unwound{false};
};

/// Sets `unwound` when the frame holding it is destroyed.
struct on_unwind {
    trail& t;
    ~on_unwind() { t.unwound = true; }
};

/// How awaiting a task ended, as text, bounded by `patience`: "value", "cancelled",
/// "error: ...", or "hung" if the task did not end in time.
template <class T>
rt::task<std::string> outcome_of(rt::join_handle<T> h) {
    try {
        co_await h;
        co_return "value";
    } catch (const rt::cancelled_error&) {
        co_return "cancelled";
    } catch (const std::exception& e) {
        co_return std::string("error: ") + e.what();
    }
}
template <class T>
rt::task<std::string> bounded_outcome(rt::join_handle<T> h, std::chrono::seconds patience = 10s) {
    auto r = co_await rt::timeout(patience, outcome_of(std::move(h)));
    co_return r ? r.value() : "hung";
}

/// Lets the other tasks on this current-thread runtime run until they park.
rt::task<void> let_others_park() {
    for (int i = 0; i < 4; ++i) {
        co_await rt::yield_now();
    }
}

/// Lets cancelled tasks on this current-thread runtime unwind: yields until every trail has
/// unwound, at most 1000 times.
template <class... Trails>
rt::task<void> let_unwind(const Trails&... trails) {
    for (int i = 0; i < 1000 && !(trails.unwound && ...); ++i) {
        co_await rt::yield_now();
    }
}

/// Spawns `body`, lets it park, aborts it, and returns how its join ended.
rt::task<std::string> abort_when_parked(rt::task<void> body) {
    auto h = rt::spawn(std::move(body));
    co_await let_others_park();
    h.abort();
    co_return co_await bounded_outcome(std::move(h));
}

rt::task<void> sleep_long(trail& t) {
    on_unwind guard{t};
    t.parked = true;
    co_await rt::sleep_for(1h);
    t.passed = true;
}

} // namespace

TEST_CASE("a task aborted while asleep is woken at once, unwinds, and its join says cancelled",
          "[runtime][cancel]") {
    trail t;
    rt::current_thread_runtime runtime;
    auto outcome = runtime.block_on(abort_when_parked(sleep_long(t)));
    CHECK(outcome == "cancelled");
    CHECK(t.parked);
    CHECK_FALSE(t.passed);
    CHECK(t.unwound);
    CHECK(runtime.io().pending_timers() == 0); // the hour-long timer was disarmed
    CHECK(runtime.live_tasks() == 0);
}

TEST_CASE("a task aborted before it first runs never gets past its first suspension point",
          "[runtime][cancel]") {
    trail t;
    auto outcome = rt::block_on([](trail& tr) -> rt::task<std::string> {
        auto h = rt::spawn(sleep_long(tr));
        h.abort(); // still queued: it has not started
        co_return co_await bounded_outcome(std::move(h));
    }(t));
    CHECK(outcome == "cancelled");
    CHECK(t.parked); // the body ran up to its first suspension point
    CHECK_FALSE(t.passed);
    CHECK(t.unwound);
}

TEST_CASE("aborting a task that already finished keeps its value", "[runtime][cancel]") {
    auto value = rt::block_on([]() -> rt::task<int> {
        auto h = rt::spawn([]() -> rt::task<int> { co_return 7; }());
        co_await let_others_park();
        REQUIRE(h.is_finished());
        h.abort();
        co_return co_await h;
    }());
    CHECK(value == 7);
}

TEST_CASE("cancellation is not a std::exception, and a swallowed one comes back at the next "
          "suspension point",
          "[runtime][cancel]") {
    struct log {
        std::atomic<bool> caught_as_std{false};
        std::atomic<bool> swallowed{false};
        std::atomic<bool> second_wait_passed{false};
    } l;
    auto outcome = rt::block_on([](log& lg) -> rt::task<std::string> {
        co_return co_await abort_when_parked([](log& g) -> rt::task<void> {
            try {
                co_await rt::sleep_for(1h);
            } catch (const std::exception&) {
                g.caught_as_std = true;
            } catch (...) {
                g.swallowed = true; // a careless catch-all
            }
            co_await rt::sleep_for(1ms); // cancelled tasks cannot wait: throws again
            g.second_wait_passed = true;
        }(lg));
    }(l));
    CHECK(outcome == "cancelled");
    CHECK_FALSE(l.caught_as_std);
    CHECK(l.swallowed);
    CHECK_FALSE(l.second_wait_passed);
}

TEST_CASE("a task aborted while awaiting a oneshot is cancelled and the channel closes",
          "[runtime][cancel][oneshot]") {
    trail t;
    auto [tx, rx] = rt::oneshot<int>();
    auto outcome =
        rt::block_on([](trail& tr, rt::oneshot_receiver<int> r) -> rt::task<std::string> {
            co_return co_await abort_when_parked(
                [](trail& t2, rt::oneshot_receiver<int> r2) -> rt::task<void> {
                    on_unwind guard{t2};
                    co_await r2.recv();
                    t2.passed = true;
                }(tr, std::move(r)));
        }(t, std::move(rx)));
    CHECK(outcome == "cancelled");
    CHECK_FALSE(t.passed);
    CHECK(t.unwound);
    CHECK_FALSE(tx.send(1)); // the receiver went with the cancelled task
}

TEST_CASE("a task aborted while queued on a semaphore leaves the queue and takes no permit",
          "[runtime][cancel][semaphore]") {
    rt::semaphore sem(1);
    trail t;
    auto outcome = rt::block_on([](rt::semaphore& s, trail& tr) -> rt::task<std::string> {
        auto held = co_await s.acquire();
        auto result =
            co_await abort_when_parked([](rt::semaphore& s2, trail& t2) -> rt::task<void> {
                on_unwind guard{t2};
                auto permit = co_await s2.acquire(); // queued behind `held`
                t2.passed = true;
            }(s, tr));
        held.release(); // had the cancelled waiter stayed queued, it would get this permit
        co_return result;
    }(sem, t));
    CHECK(outcome == "cancelled");
    CHECK_FALSE(t.passed);
    CHECK(sem.available() == 1);
}

TEST_CASE("a cancelled task releases the mutex it held across an await",
          "[runtime][cancel][mutex]") {
    rt::mutex m;
    auto relocked = rt::block_on([](rt::mutex& mx) -> rt::task<bool> {
        auto h = rt::spawn([](rt::mutex& mx2) -> rt::task<void> {
            auto guard = co_await mx2.lock();
            co_await rt::sleep_for(1h); // holds the lock while parked
        }(mx));
        co_await let_others_park();
        REQUIRE_FALSE(mx.try_lock().has_value());
        h.abort();
        auto outcome = co_await bounded_outcome(std::move(h));
        CHECK(outcome == "cancelled");
        co_return mx.try_lock().has_value();
    }(m));
    CHECK(relocked);
}

TEST_CASE("a task aborted while awaiting mpsc send or recv is cancelled, its value not sent",
          "[runtime][cancel][mpsc]") {
    auto result = rt::block_on([]() -> rt::task<std::vector<std::string>> {
        auto [tx, rx] = rt::mpsc<int>(1);
        // Not `REQUIRE(co_await ...)`: g++ 12 miscompiles a co_await inside Catch's macro.
        bool sent = co_await tx.send(1); // the buffer is full now
        REQUIRE(sent);
        std::vector<std::string> out;
        out.push_back(co_await abort_when_parked([](rt::mpsc_sender<int> s) -> rt::task<void> {
            co_await s.send(2); // parks: full
        }(tx)));
        auto first = co_await rx.recv();
        out.push_back(first ? std::to_string(*first) : "none");

        auto [tx2, rx2] = rt::mpsc<int>(1);
        out.push_back(co_await abort_when_parked([](rt::mpsc_receiver<int> r) -> rt::task<void> {
            co_await r.recv(); // parks: empty
        }(std::move(rx2))));
        out.push_back(co_await tx2.send(3) ? "sent" : "receiver gone");
        co_return out;
    }());
    // The cancelled send's 2 never reaches the buffer; the cancelled receiver is gone.
    CHECK(result == std::vector<std::string>{"cancelled", "1", "cancelled", "receiver gone"});
}

TEST_CASE("a task aborted while waiting for a socket is woken and its watch removed",
          "[runtime][cancel][net]") {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
    trail t;
    rt::current_thread_runtime runtime;
    auto outcome = runtime.block_on([](int fd, trail& tr) -> rt::task<std::string> {
        co_return co_await abort_when_parked([](int fd2, trail& t2) -> rt::task<void> {
            on_unwind guard{t2};
            co_await rt::net::wait_readable(fd2); // nothing is ever written
            t2.passed = true;
        }(fd, tr));
    }(fds[0], t));
    CHECK(outcome == "cancelled");
    CHECK_FALSE(t.passed);
    CHECK(runtime.io().pending_watches() == 0);
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST_CASE("a task that only computes and yields is cancelled at its next yield",
          "[runtime][cancel]") {
    std::atomic<long> rounds{0};
    auto outcome = rt::block_on([](std::atomic<long>& n) -> rt::task<std::string> {
        co_return co_await abort_when_parked([](std::atomic<long>& n2) -> rt::task<void> {
            for (;;) {
                ++n2;
                co_await rt::yield_now();
            }
        }(n));
    }(rounds));
    CHECK(outcome == "cancelled");
    CHECK(rounds > 0);
}

TEST_CASE("a task aborted while awaiting spawn_blocking is cancelled, the job runs to its end",
          "[runtime][cancel][blocking]") {
    std::atomic<bool> job_done{false};
    std::atomic<bool> release{false};
    std::string outcome;
    {
        rt::current_thread_runtime runtime;
        outcome = runtime.block_on(
            [](std::atomic<bool>& done, std::atomic<bool>& go) -> rt::task<std::string> {
                auto h = rt::spawn(rt::spawn_blocking(
                    [](std::atomic<bool>* d, std::atomic<bool>* g) {
                        while (!g->load()) {
                            std::this_thread::sleep_for(1ms);
                        }
                        d->store(true);
                        return 1;
                    },
                    &done,
                    &go));
                co_await let_others_park();
                h.abort();
                auto result = co_await bounded_outcome(std::move(h));
                go = true; // a blocking job cannot be interrupted: it finishes, its result dropped
                co_return result;
            }(job_done, release));
    } // the runtime's shutdown waits for the blocking pool's jobs
    CHECK(outcome == "cancelled");
    CHECK(job_done);
}

TEST_CASE("cancelling a task cancels the child it is awaiting", "[runtime][cancel][spawn]") {
    trail child;
    rt::current_thread_runtime runtime; // alive below: its shutdown would unwind the child too
    auto outcome = runtime.block_on([](trail& c) -> rt::task<std::string> {
        auto parent = rt::spawn([](trail& c2) -> rt::task<void> {
            auto h = rt::spawn(sleep_long(c2));
            co_await h; // parks until the child ends: in an hour
        }(c));
        co_await let_others_park();
        REQUIRE(c.parked);
        parent.abort();
        auto parent_outcome = co_await bounded_outcome(std::move(parent));
        // The parent's cancellation cancelled the child: let it unwind.
        co_await let_unwind(c);
        co_return parent_outcome;
    }(child));
    CHECK(outcome == "cancelled");
    CHECK_FALSE(child.passed);
    CHECK(child.unwound);
    CHECK(runtime.live_tasks() == 0);
}

TEST_CASE("timeout cancels the task it timed out", "[runtime][cancel][timeout]") {
    trail t;
    rt::current_thread_runtime runtime;
    auto timed_out = runtime.block_on([](trail& tr) -> rt::task<bool> {
        auto r = co_await rt::timeout(20ms, sleep_long(tr));
        co_await let_unwind(tr);
        co_return r.is_timed_out();
    }(t));
    CHECK(timed_out);
    CHECK(t.parked);
    CHECK_FALSE(t.passed);
    CHECK(t.unwound);
    CHECK(runtime.io().pending_timers() == 0);
    CHECK(runtime.live_tasks() == 0);
}

TEST_CASE("when_any cancels the tasks that lost", "[runtime][cancel][when_any]") {
    trail slow_a;
    trail slow_b;
    rt::current_thread_runtime runtime;
    auto winner = runtime.block_on([](trail& a, trail& b) -> rt::task<std::size_t> {
        std::vector<rt::task<void>> racers;
        racers.push_back(sleep_long(a));
        racers.push_back([]() -> rt::task<void> { co_await rt::sleep_for(1ms); }());
        racers.push_back(sleep_long(b));
        auto r = co_await rt::when_any(std::move(racers));
        co_await let_unwind(a, b);
        co_return r.index;
    }(slow_a, slow_b));
    CHECK(winner == 1);
    CHECK(slow_a.unwound);
    CHECK(slow_b.unwound);
    CHECK_FALSE(slow_a.passed);
    CHECK(runtime.live_tasks() == 0);
}

TEST_CASE("cancelling a join_all cancels every task it runs", "[runtime][cancel][join_all]") {
    trail a;
    trail b;
    rt::current_thread_runtime runtime;
    auto outcome = runtime.block_on([](trail& ta, trail& tb) -> rt::task<std::string> {
        auto h = rt::spawn([](trail& x, trail& y) -> rt::task<void> {
            std::vector<rt::task<void>> both;
            both.push_back(sleep_long(x));
            both.push_back(sleep_long(y));
            co_await rt::join_all(std::move(both));
        }(ta, tb));
        co_await let_others_park();
        h.abort();
        auto result = co_await bounded_outcome(std::move(h));
        co_await let_unwind(ta, tb);
        co_return result;
    }(a, b));
    CHECK(outcome == "cancelled");
    CHECK(a.unwound);
    CHECK(b.unwound);
    CHECK(runtime.live_tasks() == 0);
}

TEST_CASE("a task_group yields results as they finish and cancels what it owns when it ends",
          "[runtime][cancel][task_group]") {
    trail left_behind;
    rt::current_thread_runtime runtime;
    auto order = runtime.block_on([](trail& lb) -> rt::task<std::vector<int>> {
        std::vector<int> seen;
        {
            rt::task_group<int> group;
            group.spawn([]() -> rt::task<int> {
                co_await rt::sleep_for(30ms);
                co_return 30;
            }());
            group.spawn([]() -> rt::task<int> {
                co_await rt::sleep_for(1ms);
                co_return 1;
            }());
            group.spawn([](trail& t) -> rt::task<int> {
                co_await sleep_long(t);
                co_return 3600;
            }(lb));
            CHECK(group.size() == 3);
            for (int i = 0; i < 2; ++i) {
                auto v = co_await group.join_next();
                REQUIRE(v.has_value());
                seen.push_back(*v);
            }
            CHECK(group.size() == 1);
        } // the group ends: the hour-long task is cancelled
        co_await let_unwind(lb);
        co_return seen;
    }(left_behind));
    CHECK(order == std::vector<int>{1, 30});
    CHECK(left_behind.unwound);
    CHECK_FALSE(left_behind.passed);
    CHECK(runtime.live_tasks() == 0);
}

TEST_CASE("task_group abort_all makes join_next report each task as cancelled",
          "[runtime][cancel][task_group]") {
    auto outcomes = rt::block_on([]() -> rt::task<std::vector<std::string>> {
        trail t1;
        trail t2;
        rt::task_group<void> group;
        group.spawn(sleep_long(t1));
        group.spawn(sleep_long(t2));
        co_await let_others_park();
        group.abort_all();
        std::vector<std::string> out;
        while (!group.empty()) {
            try {
                co_await group.join_next();
                out.emplace_back("value");
            } catch (const rt::cancelled_error&) {
                out.emplace_back("cancelled");
            }
        }
        auto none = co_await group.join_next();
        out.emplace_back(none ? "more" : "empty");
        co_return out;
    }());
    CHECK(outcomes == std::vector<std::string>{"cancelled", "cancelled", "empty"});
}

TEST_CASE("a running task cancelled from another thread stops at its next suspension point",
          "[runtime][cancel][multi_thread]") {
    std::atomic<bool> running{false};
    std::atomic<bool> aborted{false};
    std::atomic<bool> passed{false};
    rt::multi_thread_runtime runtime(2);
    auto h = rt::spawn_on(
        runtime,
        [](std::atomic<bool>& r, std::atomic<bool>& a, std::atomic<bool>& p) -> rt::task<void> {
            r = true;
            while (!a) { // busy, not suspended: cancellation must wait for the next await
                std::this_thread::yield();
            }
            co_await rt::sleep_for(1ms);
            p = true;
        }(running, aborted, passed));
    while (!running) {
        std::this_thread::yield();
    }
    h.abort();
    aborted = true;
    auto outcome = runtime.block_on(bounded_outcome(std::move(h)));
    CHECK(outcome == "cancelled");
    CHECK_FALSE(passed);
}

TEST_CASE("aborts racing natural wake-ups on the multi-thread runtime lose nothing",
          "[runtime][cancel][multi_thread]") {
    // Each task parks on a short sleep, a oneshot or a semaphore, and another task aborts it at
    // about the time it wakes: every join must end as a value or as cancelled, every frame must
    // unwind, and nothing may be left registered.
    constexpr int n = 600;
    rt::multi_thread_runtime runtime(2);
    rt::semaphore sem(4);
    std::atomic<int> unwound{0};
    auto tally =
        runtime.block_on([](rt::semaphore& s, std::atomic<int>& u) -> rt::task<std::vector<int>> {
            struct count_unwind {
                std::atomic<int>& u;
                ~count_unwind() { ++u; }
            };
            std::vector<rt::join_handle<void>> handles;
            std::vector<rt::oneshot_sender<int>> senders;
            for (int i = 0; i < n; ++i) {
                auto [tx, rx] = rt::oneshot<int>();
                senders.push_back(std::move(tx));
                handles.push_back(rt::spawn([](int k,
                                               rt::semaphore& sm,
                                               std::atomic<int>& uu,
                                               rt::oneshot_receiver<int> r) -> rt::task<void> {
                    count_unwind guard{uu};
                    switch (k % 3) {
                    case 0:
                        co_await rt::sleep_for(std::chrono::microseconds(k % 7 * 100));
                        break;
                    case 1:
                        co_await r.recv();
                        break;
                    default: {
                        auto permit = co_await sm.acquire();
                        co_await rt::yield_now();
                    }
                    }
                }(i, s, u, std::move(rx))));
            }
            for (int i = 0; i < n; ++i) {
                if (i % 2 == 0) {
                    handles[static_cast<std::size_t>(i)].abort();
                }
                if (i % 3 == 1) {
                    senders[static_cast<std::size_t>(i)].send(i);
                }
                if (i % 50 == 0) {
                    co_await rt::yield_now();
                }
            }
            std::vector<int> counts(3, 0); // value, cancelled, other
            for (auto& h : handles) {
                auto o = co_await bounded_outcome(std::move(h));
                ++counts[o == "value" ? 0 : o == "cancelled" ? 1 : 2];
            }
            co_return counts;
        }(sem, unwound));
    CHECK(tally[2] == 0);
    CHECK(tally[0] + tally[1] == n);
    CHECK(tally[1] > 0);
    CHECK(tally[0] >= n / 2); // the half never aborted all finish
    CHECK(unwound == n);
    CHECK(sem.available() == 4);
    CHECK(runtime.io().pending_timers() == 0);
}

TEST_CASE("a cancelled task's sleep with a passed deadline throws too", "[runtime][cancel]") {
    std::atomic<bool> passed{false};
    auto outcome = rt::block_on([](std::atomic<bool>& p) -> rt::task<std::string> {
        co_return co_await abort_when_parked([](std::atomic<bool>& p2) -> rt::task<void> {
            try {
                co_await rt::sleep_for(1h);
            } catch (...) { // swallowed: the next sleep, already due, must throw again
            }
            co_await rt::sleep_for(0ms);
            p2 = true;
        }(p));
    }(passed));
    CHECK(outcome == "cancelled");
    CHECK_FALSE(passed);
}

TEST_CASE("a cancelled variadic join_all leaves its tasks somewhere to write",
          "[runtime][cancel][join_all]") {
    // The tasks swallow their cancellation and finish with a value after join_all has gone:
    // their results must land in storage that is still alive (ASan/TSan builds check it).
    rt::multi_thread_runtime runtime(2);
    auto outcome = runtime.block_on([]() -> rt::task<std::string> {
        auto stubborn = []() -> rt::task<int> {
            try {
                co_await rt::sleep_for(1h);
            } catch (...) {
            }
            co_return 1;
        };
        auto h = rt::spawn(
            [](auto make) -> rt::task<void> { co_await rt::join_all(make(), make()); }(stubborn));
        co_await rt::sleep_for(20ms);
        h.abort();
        auto result = co_await bounded_outcome(std::move(h));
        co_await rt::sleep_for(20ms); // the stubborn tasks finish and write meanwhile
        co_return result;
    }());
    CHECK(outcome == "cancelled");
}
