// detail::local_queue, the multi-thread runtime's lock-free run queue: order, spilling when
// full, stealing half, and - with a thief on another thread - every step taken exactly once
// (also run under ThreadSanitizer by .ci/run). Steps here are fake handles that are compared,
// never resumed.

#include "runtime/detail/local_queue.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <thread>
#include <vector>

namespace {
using rt::detail::local_queue;
using rt::detail::step;

/// A step standing for the number `n` (n >= 0).
step fake(std::uint32_t n) {
    return {std::coroutine_handle<>::from_address(reinterpret_cast<void*>((n + 1) * 16)), {}};
}
std::uint32_t number_of(const step& s) {
    return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(s.handle.address()) / 16 -
                                      1);
}

std::vector<std::uint32_t> drain(local_queue& q) {
    std::vector<std::uint32_t> out;
    while (auto s = q.pop()) {
        out.push_back(number_of(s));
    }
    return out;
}

std::vector<std::uint32_t> range(std::uint32_t from, std::uint32_t to) {
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = from; i < to; ++i) {
        out.push_back(i);
    }
    return out;
}
} // namespace

TEST_CASE("a local queue hands its steps back oldest first", "[runtime][scheduler]") {
    local_queue q;
    std::vector<step> spill;
    CHECK(q.empty());
    for (std::uint32_t i = 0; i < 10; ++i) {
        REQUIRE(q.push(fake(i), spill));
    }
    CHECK(q.size() == 10);
    CHECK(drain(q) == range(0, 10));
    CHECK(q.empty());
    CHECK_FALSE(q.pop());
}

TEST_CASE("a full local queue spills its older half and the new step", "[runtime][scheduler]") {
    local_queue q;
    std::vector<step> spill;
    spill.reserve(local_queue::capacity / 2 + 1);
    const std::uint32_t cap = local_queue::capacity;
    // Wrap the indices first, so that the ring's end is somewhere in the middle.
    for (std::uint32_t i = 0; i < cap / 3; ++i) {
        REQUIRE(q.push(fake(0), spill));
        (void)q.pop();
    }
    for (std::uint32_t i = 0; i < cap; ++i) {
        REQUIRE(q.push(fake(i), spill));
    }
    CHECK_FALSE(q.push(fake(cap), spill));
    std::vector<std::uint32_t> spilled;
    for (auto& s : spill) {
        spilled.push_back(number_of(s));
    }
    std::vector<std::uint32_t> expected = range(0, cap / 2);
    expected.push_back(cap);
    CHECK(spilled == expected);
    CHECK(drain(q) == range(cap / 2, cap));
}

TEST_CASE("stealing takes the older half of a local queue and runs the newest of it",
          "[runtime][scheduler]") {
    local_queue victim;
    local_queue thief;
    std::vector<step> spill;
    for (std::uint32_t i = 0; i < 9; ++i) {
        REQUIRE(victim.push(fake(i), spill));
    }
    const step now = victim.steal_into(thief);
    REQUIRE(now);
    CHECK(number_of(now) == 4); // 5 of 9 taken: 0..4
    CHECK(drain(thief) == range(0, 4));
    CHECK(drain(victim) == range(5, 9));
    CHECK_FALSE(victim.steal_into(thief)); // nothing left to take

    REQUIRE(victim.push(fake(20), spill));
    const step last = victim.steal_into(thief);
    REQUIRE(last);
    CHECK(number_of(last) == 20);
    CHECK(thief.empty());
}

TEST_CASE("with a thief on another thread every step is taken exactly once",
          "[runtime][scheduler]") {
    constexpr std::uint32_t total = 200000;
    std::vector<std::atomic<std::uint8_t>> taken(total);
    std::atomic<std::uint32_t> count{0};
    std::atomic<std::uint32_t> foreign{0}; // steps no one pushed (Catch asserts on one thread only)
    const auto take = [&](const step& s) {
        const std::uint32_t n = number_of(s);
        if (n < total) {
            taken[n].fetch_add(1);
        } else {
            foreign.fetch_add(1);
        }
        count.fetch_add(1);
    };
    local_queue owner;
    std::atomic<bool> done{false};
    std::uint32_t stolen = 0;
    std::thread thief([&] {
        local_queue mine;
        while (!done.load()) {
            if (auto s = owner.steal_into(mine)) {
                take(s);
                ++stolen;
                while (auto more = mine.pop()) {
                    take(more);
                    ++stolen;
                }
            }
        }
    });
    std::vector<step> spill;
    spill.reserve(local_queue::capacity / 2 + 1);
    for (std::uint32_t i = 0; i < total; ++i) {
        if (!owner.push(fake(i), spill)) {
            for (auto& s : spill) {
                take(s);
            }
            spill.clear();
        }
        if (i % 3 == 0) { // the owner takes some too, racing the thief for the same steps
            if (auto s = owner.pop()) {
                take(s);
            }
        }
    }
    while (auto s = owner.pop()) {
        take(s);
    }
    // The thief may still be copying a claimed batch: wait for the count, then stop it. (A lost
    // step would hang here; ctest's timeout turns that into a failure.)
    while (count.load() < total) {
        std::this_thread::yield();
    }
    done = true;
    thief.join();
    std::uint32_t twice = 0;
    for (auto& t : taken) {
        twice += t.load() != 1 ? 1U : 0U;
    }
    CHECK(count.load() == total);
    CHECK(foreign.load() == 0);
    CHECK(twice == 0);
    CHECK(stolen > 0); // the thief did take part
}
