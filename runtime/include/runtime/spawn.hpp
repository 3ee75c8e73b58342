#pragma once
// spawn: start a task concurrently on the current runtime; join_handle: its result.

#include "runtime/cancel.hpp"
#include "runtime/detail/slot.hpp"
#include "runtime/runtime.hpp"
#include "runtime/task.hpp"

#include <coroutine>
#include <exception>
#include <source_location>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace rt {

namespace detail {
/// What the joiner of a task that ended with `e` gets: `e`, except that a task unwound by its
/// cancellation (rt::cancellation) ends in rt::cancelled_error, an error the joiner can handle.
inline std::exception_ptr join_error(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const cancellation&) {
        return std::make_exception_ptr(cancelled_error());
    } catch (...) {
        return e;
    }
}

/// The cell of a spawned task<T>: the record, the frame and the result slot in one allocation
/// (task_cell.hpp). The join handle, block_on and timeout read `result`.
template <class T>
class spawn_cell final : public task_cell {
  public:
    /// Takes `t`'s frame into a new cell; returns the one reference there is. Throws
    /// std::logic_error for an empty (moved-from) task.
    static task_ref make(task<T> t) {
        if (!t.valid()) {
            throw std::logic_error("rt: spawning an empty (moved-from) task");
        }
        auto* cell = new spawn_cell();
        auto frame = t.release();
        frame.promise().set_cell(cell);
        cell->frame_ = frame;
        return task_ref::adopt(cell);
    }
    /// The result slot of a cell made by make() with the same T.
    static slot<T>& result_of(const task_ref& cell) noexcept {
        return static_cast<spawn_cell&>(*cell).result;
    }

    void finish() noexcept override {
        auto outcome = take_outcome();
        end_frame();
        result.complete(std::move(outcome));
        release(); // the runtime's reference; the resume that got here holds one more
    }
    void abandon() noexcept override {
        drop_hook();
        end_frame();
        result.close();
        report_task_end(*this); // no run_one will report it
        release();
    }

    slot<T> result;

  private:
    using state = typename slot<T>::state;
    /// The frame's value or exception (the body has returned, the frame is still there).
    state take_outcome() noexcept {
        auto& promise =
            std::coroutine_handle<task_promise<T>>::from_address(frame_.address()).promise();
        try {
            if (promise.exception_) {
                return state(std::in_place_index<2>, join_error(promise.exception_));
            }
            if constexpr (std::is_void_v<T>) {
                return state(std::in_place_index<1>);
            } else {
                return state(std::in_place_index<1>, std::move(std::get<1>(promise.value_)));
            }
        } catch (...) { // moving the value threw
            return state(std::in_place_index<2>, std::current_exception());
        }
    }
};
} // namespace detail

/// The result of a spawned task. co_await it to get the task's value (or its exception,
/// rethrown; rt::cancelled_error if it was cancelled). abort() cancels the task (cancel.hpp).
/// Dropping a join_handle, or calling detach(), lets the task run to completion with its result
/// discarded (tokio semantics): it does not cancel the task. A task_group does cancel what it
/// still owns when it ends.
template <class T>
class [[nodiscard]] join_handle {
  public:
    /// `cell`: a reference to a spawn_cell<T>.
    explicit join_handle(task_ref cell) noexcept : cell_(std::move(cell)) {}

    /// Name given to spawn() (may be empty; empty for a moved-from or detached handle).
    const std::string& name() const noexcept {
        static const std::string none;
        return cell_ ? cell_->name() : none;
    }
    /// Where spawn() was called (a default location for a moved-from or detached handle).
    std::source_location location() const noexcept {
        return cell_ ? cell_->spawned_at() : std::source_location{};
    }
    /// True once the task has finished (value or exception). Any thread.
    bool is_finished() const { return cell_ && result().is_complete(); }
    /// Gives up the result; the task keeps running. The handle must not be awaited after this.
    void detach() noexcept { cell_.reset(); }
    /// Cancels the task: it throws rt::cancellation at its next suspension point (at once if
    /// it is parked at one), unwinds, and awaiting this handle then throws rt::cancelled_error.
    /// A task that already finished keeps its result. Idempotent; any thread, while the
    /// runtime lives. Does nothing on a detached or moved-from handle.
    void abort() const {
        if (cell_) {
            cell_->cancel();
        }
    }

    /// What `co_await handle` awaits: the cell's result slot directly, with no coroutine frame
    /// of its own. Keeps the cell alive while parked. If the awaiting task is cancelled here,
    /// the task it awaits is cancelled too: cancellation reaches the children a task waits for.
    class [[nodiscard]] join_awaiter {
      public:
        explicit join_awaiter(task_ref cell)
            : cell_(std::move(cell)), inner_(detail::spawn_cell<T>::result_of(cell_)) {}
        bool await_ready() const noexcept { return inner_.await_ready(); }
        bool await_suspend(std::coroutine_handle<> h) { return inner_.await_suspend(h); }
        T await_resume() {
            typename detail::slot<T>::state outcome;
            try {
                outcome = inner_.await_resume();
            } catch (const cancellation&) {
                cell_->cancel();
                throw;
            }
            return detail::unwrap<T>(std::move(outcome), "rt: join_handle awaited twice");
        }

      private:
        task_ref cell_;
        typename detail::slot<T>::awaiter inner_;
    };

    /// Awaits the task's end: returns its value or rethrows its exception. Await once, from a
    /// runtime thread; throws std::logic_error if detached or already awaited.
    join_awaiter operator co_await() const {
        if (!cell_) {
            throw std::logic_error("rt: awaiting a detached join_handle");
        }
        return join_awaiter(cell_);
    }

  private:
    detail::slot<T>& result() const noexcept { return detail::spawn_cell<T>::result_of(cell_); }

    task_ref cell_;
};

namespace detail {
/// Cancels every task in `handles` when it goes out of scope, however the scope ends: for
/// combinators that own the tasks they spawned (join_all, when_any). Cancelling a task that
/// has finished does nothing.
template <class T>
class abort_on_exit {
  public:
    explicit abort_on_exit(const std::vector<join_handle<T>>& handles) noexcept
        : handles_(handles) {}
    abort_on_exit(const abort_on_exit&) = delete;
    abort_on_exit& operator=(const abort_on_exit&) = delete;
    ~abort_on_exit() {
        for (const auto& h : handles_) {
            try {
                h.abort();
            } catch (...) { // no memory to queue a wake-up: that task runs on, detached
            }
        }
    }

  private:
    const std::vector<join_handle<T>>& handles_;
};
} // namespace detail

/// Starts `t` on runtime `rt` (it may begin immediately on another worker) and returns its
/// join_handle. `name` and `location` are kept for diagnostics. Any thread.
template <class T>
join_handle<T> spawn_on(runtime& rt,
                        task<T> t,
                        std::string name = {},
                        std::source_location location = std::source_location::current()) {
    auto cell = detail::spawn_cell<T>::make(std::move(t));
    rt.adopt(*cell, std::move(name), location);
    return join_handle<T>(std::move(cell));
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
