#pragma once
// mutex: an async mutex; lock() suspends the task instead of blocking the thread.

#include "runtime/semaphore.hpp"

namespace rt {

/// Mutual exclusion between tasks: a semaphore with one permit. FIFO fair. May be held across
/// co_await (unlike std::mutex). Must outlive every task using it.
class mutex {
  public:
    /// Unlocks on destruction (or unlock()). Move-only.
    using guard = semaphore::permit;

    mutex() noexcept : sem_(1) {}

    /// co_await to lock; yields the guard. Runtime threads only.
    semaphore::acquire_awaiter lock() noexcept { return sem_.acquire(); }
    /// The guard if the mutex is free right now, else nullopt. Any thread.
    std::optional<guard> try_lock() { return sem_.try_acquire(); }

  private:
    semaphore sem_;
};

} // namespace rt
