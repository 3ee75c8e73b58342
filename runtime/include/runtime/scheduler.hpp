#pragma once
// scheduler: "resume this coroutine later", the one thing every executor provides.

#include <coroutine>

namespace rt {

/// Something that can resume a suspended coroutine later on one of its own threads.
class scheduler {
  public:
    virtual ~scheduler() = default;
    /// Queues `h` to be resumed by this scheduler. Thread-safe: callable from any thread,
    /// including threads outside any runtime (a timer, a std::thread, a blocking job).
    /// Does not fail except by std::bad_alloc.
    virtual void schedule(std::coroutine_handle<> h) = 0;
};

namespace detail {
/// The single place where an executor resumes a coroutine. Every run loop (current-thread,
/// worker threads) calls this, so per-task timing or tracing hooks belong here. It also runs
/// the trampoline that task-to-task transfers go through (detail/trampoline.hpp), so a
/// coroutine must never be resumed any other way. Runs on the executor's thread.
void run_one(std::coroutine_handle<> h);

/// A suspended coroutine plus the scheduler that must resume it: what a primitive stores when
/// it parks an awaiter, so that whoever completes it later can wake it from any thread.
struct waiter {
    std::coroutine_handle<> handle;
    scheduler* sched = nullptr;

    explicit operator bool() const noexcept { return static_cast<bool>(handle); }
    /// Schedules the coroutine on its own scheduler; callable from any thread.
    void wake() const { sched->schedule(handle); }
};
} // namespace detail

} // namespace rt
