#pragma once
// runtime: what every executor shares (reactor, blocking pool, live root tasks) and the
// thread-local "current runtime".

#include "runtime/detail/blocking_pool.hpp"
#include "runtime/detail/spin_lock.hpp"
#include "runtime/reactor.hpp"
#include "runtime/scheduler.hpp"

#include <array>
#include <mutex>
#include <source_location>
#include <string>

namespace rt {

/// Base of current_thread_runtime and multi_thread_runtime. Owns the reactor (timers and
/// wake-ups), the blocking pool, and the set of spawned tasks that have not finished yet.
/// Derived destructors stop their threads and then call shutdown().
class runtime : public scheduler {
  public:
    runtime() = default;
    runtime(const runtime&) = delete;
    runtime& operator=(const runtime&) = delete;

    /// The reactor whose timers sleep_for / timeout use. Any thread.
    reactor& io() noexcept { return reactor_; }
    /// The pool spawn_blocking runs on. Any thread.
    detail::blocking_pool& blocking() noexcept { return blocking_; }
    /// Number of spawned tasks that have not finished (for tests and diagnostics).
    std::size_t live_tasks() const;

    /// Registers a new spawned task's cell (taking a reference for the runtime until the task
    /// ends), records its name and spawn site, and schedules its frame. Any thread. Used by
    /// spawn() and block_on().
    void adopt(detail::task_cell& cell, std::string name, std::source_location location);
    /// Unregisters a cell whose task has ended (task_cell::end_frame).
    void forget(detail::task_cell& cell) noexcept;

  protected:
    /// Finishes the blocking pool's jobs, then destroys every task that has not finished (each
    /// frame's destructors unregister their waiters). Call with no thread running tasks.
    void shutdown() noexcept;

  private:
    reactor reactor_;
    detail::blocking_pool blocking_;
    // Live tasks as intrusive doubly linked lists through their cells: adopting and
    // forgetting a task allocate nothing and cost O(1). Split by task id over a few lists, each
    // with its own lock, so that workers spawning and finishing tasks at once rarely contend:
    // 64 consecutive ids share a list, so a burst of spawns keeps one list's line in its
    // core's cache, and the tasks finishing on another core move it once, not once per task.
    struct alignas(64) task_list { // a cache line each: no false sharing between locks
        detail::spin_lock lock;    // held for a few pointer writes
        detail::task_cell* head = nullptr;
        std::size_t count = 0;
    };
    static constexpr std::size_t task_list_count = 16;
    task_list& list_of(const detail::task_cell& cell) noexcept {
        return task_lists_[(cell.id / 64) % task_list_count];
    }
    mutable std::array<task_list, task_list_count> task_lists_;
};

/// The runtime whose run loop is executing on this thread, or nullptr. It is a thread_local set
/// by a runtime's run loop (block_on on the current-thread runtime, each worker thread of the
/// multi-thread runtime) for as long as that loop runs; blocking-pool and reactor threads have
/// none.
runtime* current_runtime() noexcept;
/// current_runtime(), or throws std::logic_error naming `what` if this thread runs no runtime.
runtime& require_current_runtime(const char* what);

namespace detail {
/// Sets current_runtime() for this thread for the lifetime of the guard; restores the previous
/// value on destruction.
class runtime_scope {
  public:
    explicit runtime_scope(runtime* rt) noexcept;
    ~runtime_scope();
    runtime_scope(const runtime_scope&) = delete;
    runtime_scope& operator=(const runtime_scope&) = delete;

  private:
    runtime* previous_;
};

/// Names the calling thread (at most 15 characters are kept, as Linux requires).
void set_thread_name(const char* name) noexcept;
} // namespace detail

} // namespace rt
