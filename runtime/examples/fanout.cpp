// Fan-out with join_all: twenty "requests" of 100 ms each, awaited together, take about
// 100 ms, not 2 s. The requests are timer sleeps here; the shape is the take-home's.
//
//   build/runtime/examples/fanout          prints the wall time; exits 1 if it was serial

#include "runtime/all.hpp"

#include <chrono>
#include <cstdio>
#include <vector>

using namespace std::chrono_literals;

namespace {

// Stands in for "GET /jobs/{id}": an async wait, never a thread sleep.
rt::task<int> fetch_detail(int id) {
    co_await rt::sleep_for(100ms);
    co_return id * 10;
}

rt::task<int> fetch_all(int count) {
    std::vector<rt::task<int>> requests;
    for (int id = 1; id <= count; ++id) {
        requests.push_back(fetch_detail(id)); // lazy: nothing runs yet
    }
    // join_all starts them all, then waits for every one; results come back in input order.
    const std::vector<int> details = co_await rt::join_all(std::move(requests));
    int sum = 0;
    for (const int d : details) {
        sum += d;
    }
    co_return sum;
}

} // namespace

int main() {
    const auto start = std::chrono::steady_clock::now();
    rt::multi_thread_runtime runtime(2);
    const int sum = runtime.block_on(fetch_all(20));
    const auto took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("20 requests of 100 ms: sum %d in %.3f s (serial would take 2 s)\n", sum, took);
    return sum == 2100 && took < 1.0 ? 0 : 1;
}
