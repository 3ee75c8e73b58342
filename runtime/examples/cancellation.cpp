// Cancellation, next to timeout. In Rust, `tokio::time::timeout(d, fut)` drops `fut` when the
// deadline passes: it never runs again, and its destructors give back what it held. rt::timeout
// does the same cooperatively: the timed-out task throws rt::cancellation at the suspension
// point it is parked in, unwinds, and its destructors run - here a "connection" closes and a
// semaphore permit goes back. Three more lessons follow:
//   - a dropped join_handle does NOT cancel (tokio's detach); abort() does;
//   - a task_group (tokio's JoinSet) cancels what it still owns when it goes out of scope;
//   - rt::cancellation is not a std::exception, so ordinary error handling lets it pass, and a
//     catch (...) that swallows it only delays it to the next suspension point.
//
//   build/runtime/examples/cancellation   prints each step; exits 1 if one went otherwise

#include "runtime/all.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

std::vector<std::string> events; // one thread: the current-thread runtime

/// Stands for a socket: says when it is closed.
struct connection {
    std::string name;
    explicit connection(std::string n) : name(std::move(n)) { events.push_back("open " + name); }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection() { events.push_back("close " + name); }
};

/// A lookup that takes `took` while holding a connection and a permit of `limit`.
rt::task<int> slow_lookup(rt::semaphore& limit, std::string name, std::chrono::milliseconds took) {
    auto permit = co_await limit.acquire();
    connection conn(name);
    co_await rt::sleep_for(took); // where a cancellation finds it
    events.push_back("answered " + name);
    co_return 42;
}

rt::task<bool> lessons() {
    rt::semaphore limit(1);

    // 1. timeout: the deadline passes, the lookup is cancelled in its sleep and unwinds.
    auto r = co_await rt::timeout(20ms, slow_lookup(limit, "a", 1h));
    co_await rt::yield_now(); // let the cancelled task unwind (timeout does not wait for it)
    std::printf("1. timeout: %s; permits free: %zu\n",
                r.is_timed_out() ? "timed out" : "answered",
                limit.available());
    bool ok = r.is_timed_out() && limit.available() == 1;

    // 2. A dropped handle detaches: the task runs on and answers. abort() cancels.
    rt::spawn(slow_lookup(limit, "b", 5ms)).detach();
    auto c = rt::spawn(slow_lookup(limit, "c", 1h));
    co_await rt::sleep_for(30ms); // b answers meanwhile; c waits for the permit, then sleeps
    c.abort();
    try {
        co_await c;
        ok = false;
    } catch (const rt::cancelled_error& e) {
        std::printf("2. abort: %s\n", e.what());
    }

    // 3. A task_group cancels what it owns when it ends.
    {
        rt::task_group<int> group;
        group.spawn(slow_lookup(limit, "d", 1h));
        co_await rt::sleep_for(5ms);
    } // d is cancelled here
    co_await rt::yield_now();

    // 4. Ordinary error handling does not catch a cancellation; a catch (...) only delays it.
    auto stubborn = rt::spawn([]() -> rt::task<void> {
        try {
            co_await rt::sleep_for(1h);
        } catch (const std::exception&) {
            events.emplace_back("caught as an error (wrong)");
        } catch (...) {
            events.emplace_back("swallowed once");
        }
        co_await rt::sleep_for(1ms); // a cancelled task cannot wait any more: throws again
        events.emplace_back("slept after cancel (wrong)");
    }());
    co_await rt::yield_now();
    stubborn.abort();
    try {
        co_await stubborn;
    } catch (const rt::cancelled_error&) {
        std::printf("4. a swallowed cancellation came back at the next await\n");
    }
    ok = ok && limit.available() == 1;
    co_return ok;
}

} // namespace

int main() {
    bool ok = rt::block_on(lessons());
    std::printf("events:");
    for (const auto& e : events) {
        std::printf(" [%s]", e.c_str());
    }
    std::printf("\n");
    const std::vector<std::string> expected{"open a",
                                            "close a",
                                            "open b",
                                            "answered b",
                                            "close b",
                                            "open c",
                                            "close c",
                                            "open d",
                                            "close d",
                                            "swallowed once"};
    if (!ok || events != expected) {
        std::printf("unexpected: cancellation did not go as described\n");
        return 1;
    }
    return 0;
}
