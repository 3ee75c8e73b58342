#pragma once
// scheduler: "resume this coroutine later", the one thing every executor provides.

#include "runtime/detail/task_cell.hpp"

#include <chrono>
#include <coroutine>
#include <utility>

namespace rt {

namespace detail {
/// The spawned task whose code this thread is running now (set by run_one), or null.
task_ref current_task() noexcept;
/// The same without taking a reference: valid while the current resume runs.
task_cell* current_cell() noexcept;
} // namespace detail

/// Something that can resume a suspended coroutine later on one of its own threads.
class scheduler {
  public:
    virtual ~scheduler() = default;
    /// Queues `h` to be resumed by this scheduler, on behalf of spawned task `owner` (for the
    /// per-task statistics; may be nullptr). Thread-safe: callable from any thread, including
    /// threads outside any runtime (a timer, a std::thread, a blocking job). Does not fail
    /// except by std::bad_alloc.
    virtual void schedule(std::coroutine_handle<> h, task_ref owner) = 0;
    /// The same on behalf of the task running on this thread now: for a coroutine that
    /// reschedules itself. A wake-up from another thread must pass the owner it saved.
    void schedule(std::coroutine_handle<> h) { schedule(h, detail::current_task()); }
};

namespace detail {
/// One unit of work in a run queue: a coroutine to resume and the task it belongs to.
struct step {
    std::coroutine_handle<> handle;
    task_ref owner;
    explicit operator bool() const noexcept { return static_cast<bool>(handle); }
};

/// The single place where an executor resumes a coroutine. Every run loop (current-thread,
/// worker threads) calls this: it times the resume, charges it to the owning task, and reports
/// a resume longer than the long-poll threshold (trace.hpp). It also runs the trampoline that
/// task-to-task transfers go through (detail/trampoline.hpp), so a coroutine must never be
/// resumed any other way. Runs on the executor's thread.
///
/// `started` is when this resume began: a loop passes the time_point the previous run_one
/// returned while it keeps running steps back to back (one clock read per resume, not two),
/// and a fresh `steady_clock::now()` after it waited for work (never a stale one: the wait
/// would be charged to the task as a long poll). Returns when the resume ended.
std::chrono::steady_clock::time_point run_one(step s,
                                              std::chrono::steady_clock::time_point started);

/// A suspended coroutine plus the scheduler that must resume it: what a primitive stores when
/// it parks an awaiter, so that whoever completes it later can wake it from any thread.
/// The owning task is taken when the waiter is made, on the thread that parks the coroutine.
struct waiter {
    /// No waiter. Holds no task: an empty waiter left in a task's own result slot must not keep
    /// that task's cell alive.
    waiter() noexcept = default;
    waiter(std::coroutine_handle<> h, scheduler* s, task_ref o = current_task()) noexcept
        : handle(h), sched(s), owner(std::move(o)) {}

    std::coroutine_handle<> handle;
    scheduler* sched = nullptr;
    task_ref owner;

    explicit operator bool() const noexcept { return static_cast<bool>(handle); }
    /// Schedules the coroutine on its own scheduler; callable from any thread.
    void wake() const { sched->schedule(handle, owner); }
};
} // namespace detail

} // namespace rt
