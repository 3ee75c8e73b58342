#pragma once
// spawn: start a task concurrently on the current runtime; join_handle: its result.

#include "runtime/detail/root_task.hpp"
#include "runtime/detail/slot.hpp"
#include "runtime/runtime.hpp"
#include "runtime/task.hpp"

#include <memory>
#include <source_location>
#include <string>
#include <utility>

namespace rt {

/// The result of a spawned task. co_await it to get the task's value (or its exception,
/// rethrown). Dropping a join_handle, or calling detach(), lets the task run to completion
/// with its result discarded (tokio semantics): it does not cancel the task.
template <class T>
class [[nodiscard]] join_handle {
  public:
    join_handle(std::shared_ptr<detail::slot<T>> s, task_ref record)
        : slot_(std::move(s)), record_(std::move(record)) {}

    /// Name given to spawn() (may be empty; empty for a moved-from handle).
    const std::string& name() const noexcept {
        static const std::string none;
        return record_ ? record_->name : none;
    }
    /// Where spawn() was called (a default location for a moved-from handle).
    const std::source_location& location() const noexcept {
        static const std::source_location none;
        return record_ ? record_->spawned_at : none;
    }
    /// True once the task has finished (value or exception). Any thread.
    bool is_finished() const { return slot_ && slot_->is_complete(); }
    /// Gives up the result; the task keeps running. The handle must not be awaited after this.
    void detach() noexcept { slot_.reset(); }

    /// Awaits the task's end: returns its value or rethrows its exception. Await once, from a
    /// runtime thread; throws std::logic_error if detached or already awaited.
    task<T> operator co_await() { return join(slot_); }

  private:
    static task<T> join(std::shared_ptr<detail::slot<T>> s) {
        if (!s) {
            throw std::logic_error("rt: awaiting a detached join_handle");
        }
        co_return detail::unwrap<T>(co_await s->wait(), "rt: join_handle awaited twice");
    }

    std::shared_ptr<detail::slot<T>> slot_;
    task_ref record_; ///< name, spawn site, statistics (shared with the task)
};

namespace detail {
/// The root coroutine of a spawned task: runs `t` and stores its outcome (value or exception)
/// in `s`, which join handles and the combinators read.
template <class T>
root_task run_root(std::shared_ptr<slot<T>> s, task<T> t) {
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(t);
            s->set_value({});
        } else {
            s->set_value(co_await std::move(t));
        }
    } catch (...) {
        s->set_exception(std::current_exception());
    }
}
} // namespace detail

/// Starts `t` on runtime `rt` (it may begin immediately on another worker) and returns its
/// join_handle. `name` and `location` are kept for diagnostics. Any thread.
template <class T>
join_handle<T> spawn_on(runtime& rt,
                        task<T> t,
                        std::string name = {},
                        std::source_location location = std::source_location::current()) {
    auto s = std::make_shared<detail::slot<T>>();
    auto record = rt.adopt(detail::run_root(s, std::move(t)), std::move(name), location);
    return join_handle<T>(std::move(s), std::move(record));
}

/// spawn_on(current runtime, ...). Must be called on a runtime thread (inside a task run by
/// block_on or a worker); otherwise throws std::logic_error.
template <class T>
join_handle<T> spawn(task<T> t,
                     std::string name = {},
                     std::source_location location = std::source_location::current()) {
    return spawn_on(require_current_runtime("rt::spawn"), std::move(t), std::move(name), location);
}

} // namespace rt
