// Blocking a worker stalls everyone: a task that calls a blocking function (here
// std::this_thread::sleep_for, in a take-home often a blocking HTTP call or file read) holds
// the thread that runs every other task on it. A ticker that should tick every 10 ms shows it,
// and the runtime's long-poll watchdog names the culprit and where it was spawned.
//
// The same 150 ms of blocking work three ways, each next to the ticker on a current-thread
// runtime (one thread, so the effect is plain; on the multi-thread runtime it stalls one
// worker and everything queued behind it):
//   blocking     std::this_thread::sleep_for inside the task: the ticker stops for 150 ms,
//                the watchdog reports a long poll in "blocker".
//   offloaded    the same call in rt::spawn_blocking: it runs on an rt-blocking thread, the
//                task awaits it, the ticker keeps ticking.
//   async        co_await rt::sleep_for: a timer, no thread blocked at all.
//
//   build/runtime/examples/blocking_stalls   prints each way's longest tick gap and long polls

#include "runtime/all.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto work = 150ms;

enum class way { blocking, offloaded, async };

rt::task<void> blocker(way how) {
    co_await rt::sleep_for(5ms); // let the ticker start
    switch (how) {
    case way::blocking:
        std::this_thread::sleep_for(work); // holds the only thread: nothing else runs
        break;
    case way::offloaded:
        co_await rt::spawn_blocking([] { std::this_thread::sleep_for(work); });
        break;
    case way::async:
        co_await rt::sleep_for(work);
        break;
    }
}

/// Ticks every 10 ms until the blocker is done; returns the longest gap between two ticks.
/// (A reference parameter is safe here only because run() awaits this task directly, so
/// `blocker_done` outlives it; see task_owns.cpp.)
rt::task<steady::duration> ticker(const rt::join_handle<void>& blocker_done) {
    steady::duration longest{0};
    auto last = steady::now();
    while (!blocker_done.is_finished()) {
        co_await rt::sleep_for(10ms);
        const auto now = steady::now();
        longest = std::max(longest, now - last);
        last = now;
    }
    co_return longest;
}

rt::task<steady::duration> run(way how) {
    auto done = rt::spawn(blocker(how), "blocker");
    const auto longest_gap = co_await ticker(done);
    co_await done;
    co_return longest_gap;
}

double ms(steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

} // namespace

int main() {
    // 50 ms rather than the default 10: on a loaded machine a tick's resume may be preempted
    // for a few milliseconds, and that is not what this example is about.
    rt::trace::set_long_poll_threshold(50ms);
    std::vector<rt::long_poll> polls;
    rt::trace::set_long_poll_observer([&](const rt::long_poll& p) { polls.push_back(p); });

    bool ok = true;
    for (const auto& [how, name] : {std::pair{way::blocking, "blocking"},
                                    std::pair{way::offloaded, "offloaded"},
                                    std::pair{way::async, "async"}}) {
        polls.clear();
        const auto gap = rt::block_on(run(how));
        std::printf("%-10s the ticker's longest gap: %6.1f ms;", name, ms(gap));
        bool flagged = false;
        for (const auto& p : polls) {
            std::printf(" long poll in \"%s\" (spawned at %s) %.1f ms;",
                        p.task.c_str(),
                        p.spawned_at.c_str(),
                        ms(p.duration));
            flagged = flagged || (p.task == "blocker" && p.duration >= work);
        }
        std::printf("%s\n", polls.empty() ? " no long poll" : "");
        if (how == way::blocking) {
            // Certain, not timing-dependent: the ticker cannot run while the only thread sleeps.
            ok = ok && gap >= work && flagged;
        } else {
            ok = ok && !flagged; // the work never held the runtime's thread
        }
    }
    rt::trace::set_long_poll_observer({});
    return ok ? 0 : 1;
}
