// What a spawned task and a oneshot cost in heap allocations, counted with a replaced global
// operator new (which is why this is a program of its own). A spawned task is its coroutine
// frame plus one cell (record, result, links); regressions here show as memory per parked task
// in bench/runtime_bench.sh.

#include "runtime/block_on.hpp"
#include "runtime/detail/block_cache.hpp"
#include "runtime/multi_thread_runtime.hpp"
#include "runtime/oneshot.hpp"
#include "runtime/sleep.hpp"
#include "runtime/spawn.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace {
std::atomic<bool> counting{false};
std::atomic<int> allocations{0};
std::atomic<std::size_t> allocated_bytes{0}; ///< requested by the counted allocations
std::atomic<long> live_blocks{0};            ///< allocated and not yet freed, whole program

/// Counts the allocations made by `f` on any thread, with the block cache as it is.
template <class F>
int count_allocations_keeping_cache(F&& f) {
    allocations = 0;
    allocated_bytes = 0;
    counting = true;
    f();
    counting = false;
    return allocations.load();
}

/// Counts the allocations made by `f` on any thread. The block cache (detail/block_cache.hpp)
/// is emptied first, so that every frame and cell `f` makes is a real allocation.
template <class F>
int count_allocations(F&& f) {
    rt::detail::trim_block_caches();
    return count_allocations_keeping_cache(std::forward<F>(f));
}

rt::task<int> answer() { co_return 42; }

rt::task<void> parked(rt::oneshot_receiver<int> rx, bool& started) {
    started = true;
    (void)co_await rx.recv();
}
} // namespace

// Not inlined: GCC would otherwise pair a runtime `new` with the free() in our delete and warn
// (-Wmismatched-new-delete), though both sides are these replacements.
[[gnu::noinline]] void* operator new(std::size_t n) {
    if (counting.load(std::memory_order_relaxed)) {
        allocations.fetch_add(1, std::memory_order_relaxed);
        allocated_bytes.fetch_add(n, std::memory_order_relaxed);
    }
    if (void* p = std::malloc(n == 0 ? 1 : n)) {
        live_blocks.fetch_add(1, std::memory_order_relaxed);
        return p;
    }
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
    if (p != nullptr) {
        live_blocks.fetch_sub(1, std::memory_order_relaxed);
    }
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

TEST_CASE("spawning a task allocates one cell besides the task's own frame",
          "[runtime][spawn][memory]") {
    constexpr int tasks = 8;
    const int counted = rt::block_on([]() -> rt::task<int> {
        co_await rt::spawn(answer()); // the run queue has its storage from here on
        std::vector<rt::task<int>> bodies;
        std::vector<rt::join_handle<int>> handles;
        bodies.reserve(tasks);
        handles.reserve(tasks);
        for (int i = 0; i < tasks; ++i) {
            bodies.push_back(answer()); // frames allocated here, not counted
        }
        const int n = count_allocations([&] {
            for (auto& body : bodies) {
                handles.push_back(rt::spawn(std::move(body)));
            }
        });
        int sum = 0;
        for (auto& h : handles) {
            sum += co_await h;
        }
        CHECK(sum == 42 * tasks);
        co_return n;
    }());
    // One per spawn, plus at most one block of the run queue's deque.
    CHECK(counted >= tasks);
    CHECK(counted <= tasks + 1);
}

TEST_CASE("a oneshot channel is one allocation", "[runtime][oneshot][memory]") {
    std::optional<std::pair<rt::oneshot_sender<int>, rt::oneshot_receiver<int>>> channel;
    CHECK(count_allocations([&] { channel.emplace(rt::oneshot<int>()); }) == 1);
}

// The budget behind bench/runtime_bench.sh's bytes per parked task (runtime/README.md): with
// glibc's 8-byte header and 16-byte rounding, a 136-byte cell takes 144 and a 40-byte channel
// 48. One field more in either costs every task 16 bytes.
TEST_CASE("a spawned task's cell, a oneshot and what every frame carries stay in budget",
          "[runtime][spawn][oneshot][memory]") {
    std::optional<std::pair<rt::oneshot_sender<int>, rt::oneshot_receiver<int>>> channel;
    (void)count_allocations([&] { channel.emplace(rt::oneshot<int>()); });
    CHECK(allocated_bytes.load() <= 40);

    const std::size_t cell_bytes = rt::block_on([]() -> rt::task<std::size_t> {
        co_await rt::spawn(answer()); // the run queue has its storage from here on
        auto body = answer();
        std::optional<rt::join_handle<int>> handle;
        (void)count_allocations([&] { handle.emplace(rt::spawn(std::move(body))); });
        const std::size_t bytes = allocated_bytes.load();
        const int value = co_await *handle; // not inside CHECK: g++ 12 mishandles co_await there
        CHECK(value == 42);
        co_return bytes;
    }());
    CHECK(cell_bytes <= 136);

    // Every coroutine frame holds a promise, and every frame parked on a result an awaiter.
    CHECK(sizeof(rt::detail::task_promise<void>) == 2 * sizeof(void*));
    CHECK(sizeof(rt::detail::slot<int>::awaiter) == 2 * sizeof(void*));
}

TEST_CASE("a task parked on a oneshot allocates nothing more while it waits and wakes",
          "[runtime][oneshot][memory]") {
    // One thread, so that nothing else allocates while counting.
    rt::block_on([]() -> rt::task<void> {
        auto [tx, rx] = rt::oneshot<int>();
        bool started = false;
        auto h = rt::spawn(parked(std::move(rx), started));
        while (!started) {
            co_await rt::yield_now();
        }
        co_await rt::spawn(answer()); // the queues have their storage from here on
        // Sending wakes the parked task: a queued step, no allocation of its own.
        CHECK(count_allocations([&] { tx.send(1); }) <= 1);
        co_await h;
    }());
}

namespace {
rt::task<int> spawn_and_join(int n) {
    int sum = 0;
    for (int i = 0; i < n; ++i) {
        sum += co_await rt::spawn(answer(), "named");
    }
    auto [tx, rx] = rt::oneshot<int>();
    bool started = false;
    auto parked_task = rt::spawn(parked(std::move(rx), started));
    co_await rt::yield_now();
    tx.send(1);
    co_await parked_task;
    co_return sum;
}

/// Blocks left over after a runtime ran `n` spawns and a oneshot round trip and was destroyed.
/// Cached blocks are freed on both sides (the workers' caches go with their threads).
template <class Runtime>
long leftover_blocks(int n) {
    rt::detail::trim_block_caches();
    const long before = live_blocks.load();
    {
        Runtime rt;
        CHECK(rt.block_on(spawn_and_join(n)) == 42 * n);
    }
    rt::detail::trim_block_caches();
    return live_blocks.load() - before;
}
} // namespace

TEST_CASE("every cell, frame and channel is freed once its tasks and handles are gone",
          "[runtime][spawn][memory]") {
    (void)leftover_blocks<rt::current_thread_runtime>(1); // first-use statics (trace settings)
    CHECK(leftover_blocks<rt::current_thread_runtime>(100) == 0);
    CHECK(leftover_blocks<rt::multi_thread_runtime>(100) == 0);
}

TEST_CASE("blocks freed on one thread serve another's allocations through the depot",
          "[runtime][memory]") {
    constexpr std::size_t size = 104; // a small task frame
    constexpr int count = 256;
    rt::detail::trim_block_caches();
    std::vector<void*> blocks;
    for (int i = 0; i < count; ++i) {
        blocks.push_back(rt::detail::allocate_block(size));
    }
    // Another thread frees them: it keeps one magazine (64) and hands the rest on.
    std::thread([&] {
        for (void* b : blocks) {
            rt::detail::free_block(b, size);
        }
    }).join(); // ...and, exiting, frees what it kept
    std::vector<void*> again;
    again.reserve(count);
    const long live_before = live_blocks.load();
    const int fresh = count_allocations_keeping_cache([&] {
        for (int i = 0; i < count - 64; ++i) {
            again.push_back(rt::detail::allocate_block(size));
        }
    });
    if (rt::detail::block_cache_enabled()) {
        CHECK(fresh == 0); // every one came from the depot: no malloc
        CHECK(live_blocks.load() == live_before);
        for (void* b : again) {
            CHECK(std::find(blocks.begin(), blocks.end(), b) != blocks.end());
        }
    } else { // AddressSanitizer: each block is malloc's, so a use after free stays visible
        CHECK(fresh == count - 64);
    }
    for (void* b : again) {
        rt::detail::free_block(b, size);
    }
    rt::detail::trim_block_caches();
}
