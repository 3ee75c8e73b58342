#pragma once
// local_queue: a worker's run queue in multi_thread_runtime, tokio's design: a bounded ring
// that only its worker pushes to and pops from, without a lock or (on push) a read-modify-write,
// and from which other workers steal half at a time.
//
// The head is two 32-bit indices in one atomic word: `real`, the next step to take, and
// `steal`, which trails it while a thief copies the steps between them. A thief claims a range
// by moving `real` (one CAS), copies it into its own ring, then brings `steal` level (another).
// Meanwhile the owner may keep popping from `real`, and never writes a slot at or past `steal`
// until the thief is done; only one thief works on a queue at a time. Indices grow without
// bound and wrap (unsigned arithmetic); a slot is index % capacity.

#include "runtime/scheduler.hpp"

#include <array>
#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rt::detail {

class local_queue {
  public:
    static constexpr std::uint32_t capacity = 256;

    local_queue() = default;
    local_queue(const local_queue&) = delete;
    local_queue& operator=(const local_queue&) = delete;
    ~local_queue() { clear(); }

    /// Owner only. Appends `s` and returns true; or, if the ring is full, moves its older half
    /// and then `s` to the back of `spill` (whose capacity must already hold capacity / 2 + 1
    /// more: nothing here allocates) and returns false. While a thief is copying, a full ring
    /// spills `s` alone.
    bool push(step s, std::vector<step>& spill) noexcept;
    /// Owner only. The oldest step, or an empty one.
    step pop() noexcept;
    /// A thief, the owner of `into` (an empty or at most half-full queue): moves the older half
    /// of this queue into `into` and returns the newest of them to run now; empty if there was
    /// nothing to take or another thief was at work.
    step steal_into(local_queue& into) noexcept;

    /// Steps queued (a snapshot; any thread).
    std::uint32_t size() const noexcept;
    bool empty() const noexcept { return size() == 0; }
    /// Drops every queued step unresumed. No thread may be using the queue.
    void clear() noexcept;

  private:
    static constexpr std::uint32_t mask = capacity - 1;
    static_assert((capacity & mask) == 0, "capacity must be a power of two");

    /// A queued step as plain words: its task reference is carried, not counted.
    struct slot {
        std::coroutine_handle<> handle;
        task_cell* owner = nullptr;
    };
    static std::uint64_t pack(std::uint32_t steal, std::uint32_t real) noexcept {
        return (std::uint64_t{steal} << 32) | real;
    }
    static std::uint32_t steal_of(std::uint64_t head) noexcept {
        return static_cast<std::uint32_t>(head >> 32);
    }
    static std::uint32_t real_of(std::uint64_t head) noexcept {
        return static_cast<std::uint32_t>(head);
    }
    void put(std::uint32_t index, step s) noexcept;
    step take(std::uint32_t index) noexcept;

    std::atomic<std::uint64_t> head_{0}; ///< pack(steal, real)
    std::atomic<std::uint32_t> tail_{0}; ///< next free index; written by the owner only
    std::array<slot, capacity> slots_{};
};

} // namespace rt::detail
