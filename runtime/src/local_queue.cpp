#include "runtime/detail/local_queue.hpp"

#include <utility>

namespace rt::detail {

// Slots are plain memory. Who may touch one is decided by the indices: the owner writes a slot
// and then publishes it with tail_ (release); whoever takes it has first claimed it by a CAS
// on head_ after reading tail_ (acquire); the owner overwrites a slot only after reading, from
// head_ (acquire), that whoever took it has finished (a thief's last CAS releases).

void local_queue::put(std::uint32_t index, step s) noexcept {
    slots_[index & mask] = {s.handle, s.owner.into_raw()};
}

step local_queue::take(std::uint32_t index) noexcept {
    slot& s = slots_[index & mask];
    return {s.handle, task_ref::adopt(s.owner)};
}

bool local_queue::push(step s, std::vector<step>& spill) noexcept {
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed); // only we write it
    for (;;) {
        std::uint64_t head = head_.load(std::memory_order_acquire);
        const std::uint32_t steal = steal_of(head);
        const std::uint32_t real = real_of(head);
        if (tail - steal < capacity) {
            put(tail, std::move(s));
            // seq_cst, not just release: a sleeping worker's check for work (size()) and the
            // pusher's check for sleepers (multi_thread_runtime::wake_one) pair through the
            // seq_cst total order. On x86 an xchg on a line this core owns.
            tail_.store(tail + 1);
            return true;
        }
        if (steal != real) { // full, and a thief is copying: it will make room, but not now
            spill.push_back(std::move(s));
            return false;
        }
        // Full: claim the older half for the spill, as a thief would (without copying).
        constexpr std::uint32_t half = capacity / 2;
        if (!head_.compare_exchange_strong(head,
                                           pack(real + half, real + half),
                                           std::memory_order_acq_rel,
                                           std::memory_order_relaxed)) {
            continue; // a thief took some meanwhile: there may be room now
        }
        for (std::uint32_t i = 0; i < half; ++i) {
            spill.push_back(take(real + i));
        }
        spill.push_back(std::move(s));
        return false;
    }
}

step local_queue::pop() noexcept {
    std::uint64_t head = head_.load(std::memory_order_acquire);
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed); // only we write it
    for (;;) {
        const std::uint32_t steal = steal_of(head);
        const std::uint32_t real = real_of(head);
        if (real == tail) {
            return {};
        }
        // With no thief at work, steal moves along with real.
        const std::uint64_t next = steal == real ? pack(real + 1, real + 1) : pack(steal, real + 1);
        if (head_.compare_exchange_weak(
                head, next, std::memory_order_acq_rel, std::memory_order_acquire)) {
            return take(real);
        }
    }
}

step local_queue::steal_into(local_queue& into) noexcept {
    const std::uint32_t into_tail = into.tail_.load(std::memory_order_relaxed); // we own `into`
    if (into_tail - steal_of(into.head_.load(std::memory_order_acquire)) > capacity / 2) {
        return {}; // no room for half of a full queue
    }
    // Claim [first, first + n): move real, leave steal behind to mark the copy in progress.
    std::uint64_t head = head_.load(std::memory_order_acquire);
    std::uint32_t first = 0;
    std::uint32_t n = 0;
    for (;;) {
        const std::uint32_t steal = steal_of(head);
        const std::uint32_t real = real_of(head);
        if (steal != real) {
            return {}; // another thief is at work
        }
        const std::uint32_t queued = tail_.load(std::memory_order_acquire) - real;
        n = queued - queued / 2; // the older half, rounded up
        if (n == 0) {
            return {};
        }
        if (n > capacity / 2) {
            n = capacity / 2;
        }
        first = real;
        if (head_.compare_exchange_weak(head,
                                        pack(steal, real + n),
                                        std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
            break;
        }
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        into.slots_[(into_tail + i) & mask] = slots_[(first + i) & mask];
    }
    // Done copying: bring steal up to real (which the owner may have moved on since).
    head = pack(first, first + n);
    while (!head_.compare_exchange_weak(head,
                                        pack(real_of(head), real_of(head)),
                                        std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
    }
    // The newest stolen step runs now; the rest are published in `into`.
    const std::uint32_t keep = n - 1;
    step now = into.take(into_tail + keep);
    if (keep > 0) {
        into.tail_.store(into_tail + keep, std::memory_order_release);
    }
    return now;
}

std::uint32_t local_queue::size() const noexcept {
    const std::uint64_t head = head_.load(); // seq_cst: see push
    const std::uint32_t tail = tail_.load();
    const std::uint32_t queued = tail - real_of(head);
    return queued <= capacity ? queued : 0; // a torn pair of snapshots: treat as empty, recheck
}

void local_queue::clear() noexcept {
    while (pop()) {
    }
}

} // namespace rt::detail
