// A blocking sleep in the task of a current-thread rt::block_on, which runs on main's own
// thread (tests/probe/rt_test.cpp). Lines marked `probe: blocks` must be reported there.

#include "runtime/all.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

using namespace std::chrono_literals;

namespace {

rt::task<int> tick() {
    co_await rt::sleep_for(1ms);
    co_return 1;
}

rt::task<int> main_task() {
    auto ticker = rt::spawn(tick());
    std::this_thread::sleep_for(20ms); // probe: blocks
    co_return co_await ticker;
}

} // namespace

int main() {
    std::this_thread::sleep_for(1ms); // before block_on: not async context
    const int r = rt::block_on(main_task());
    std::printf("%d\n", r);
    return r == 1 ? 0 : 1;
}
