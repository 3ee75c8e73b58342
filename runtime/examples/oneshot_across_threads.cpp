// A oneshot channel across threads: a plain std::thread (not a runtime thread) computes a value
// with a blocking call and sends it; a task awaiting the receiver is woken on its runtime.
// Dropping the sender without sending closes the channel: the receiver gets nullopt, not a hang.

#include "runtime/all.hpp"

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

namespace {

rt::task<std::optional<int>> wait_for(rt::oneshot_receiver<int> receiver) {
    co_return co_await receiver.recv();
}

} // namespace

int main() {
    auto [sender, receiver] = rt::oneshot<int>();
    std::thread worker([s = std::move(sender)]() mutable {
        std::this_thread::sleep_for(std::chrono::milliseconds(50)); // blocking is fine here
        s.send(42);
    });
    const std::optional<int> got = rt::block_on(wait_for(std::move(receiver)));
    worker.join();

    auto [dropped, orphan] = rt::oneshot<int>();
    { auto gone = std::move(dropped); } // the sender goes away without sending
    const std::optional<int> closed = rt::block_on(wait_for(std::move(orphan)));

    std::printf("received %d from another thread; a dropped sender gives %s\n",
                got.value_or(-1),
                closed ? "a value (wrong)" : "nullopt");
    return got == 42 && !closed ? 0 : 1;
}
