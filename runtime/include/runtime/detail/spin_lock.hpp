#pragma once
// spin_lock: a one-byte lock for critical sections of a few instructions.
//
// What slot<T> guards is a handful of loads and stores (the state, the waiter). std::mutex is
// 40 bytes, and a slot is in every spawned task and every oneshot; this is 1. A waiter that
// finds it taken spins briefly, then yields its core: correct on an oversubscribed machine,
// only slower.

#include <atomic>
#include <thread>

namespace rt::detail {

/// Tells the core that this thread is spinning (x86 `pause`): cheaper for a hyper-threaded
/// sibling and for the lock's owner.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

class spin_lock {
  public:
    void lock() noexcept {
        for (unsigned spins = 0; locked_.exchange(true, std::memory_order_acquire);) {
            while (locked_.load(std::memory_order_relaxed)) {
                if (++spins < 64) {
                    cpu_relax();
                } else {
                    std::this_thread::yield();
                }
            }
        }
    }
    bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
    void unlock() noexcept { locked_.store(false, std::memory_order_release); }

  private:
    std::atomic<bool> locked_{false};
};

} // namespace rt::detail
