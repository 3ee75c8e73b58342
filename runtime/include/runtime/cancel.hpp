#pragma once
// Cancellation: how a task is asked to stop, and how every suspension point delivers it.
//
// Rust cancels a future by dropping it: it never runs again, and its destructors release what
// it held. A C++ coroutine cannot be dropped from another thread while a waker may be resuming
// it, so the runtime delivers the same thing cooperatively. task_cell::cancel() (called by
// join_handle::abort, timeout, when_any and task_group) sets the task's flag; from then on every
// suspension point of the task - a sleep, a socket wait, a join, a oneshot, mpsc, mutex or
// semaphore wait, a yield, spawn_blocking - throws rt::cancellation instead of suspending, and
// if the task is parked at one right now it is unparked and resumed to throw there. The
// exception unwinds the task's coroutines like any other: destructors run, so locks and
// permits are released, sockets closed and timers disarmed. Whoever awaits the task then gets
// rt::cancelled_error.
//
// The handshake: a parking awaiter (a cancel_point) publishes itself as the task's hook under
// the cell's one-byte cancel lock, and registers with its primitive while still holding it. The
// canceller takes the same lock, and asks the hook to unpark (remove its waiter from the
// primitive, under the primitive's own lock). If that succeeds, nobody else will resume the
// task, so the canceller does, and the awaiter throws. If the primitive woke the task first,
// the wait completes normally and the next suspension point throws. Lock order: cell, then
// primitive; a primitive never takes a cell's cancel lock.

#include "runtime/detail/task_cell.hpp"
#include "runtime/scheduler.hpp"

#include <coroutine>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace rt {

/// Thrown at a suspension point of a task that was cancelled, to unwind it. Deliberately not a
/// std::exception: `catch (const std::exception&)` error handling lets it through, as it should.
/// A `catch (...)` that does not rethrow swallows it, but only until the task's next suspension
/// point, which throws again: a cancelled task cannot wait for anything any more.
struct cancellation {};

/// What awaiting a task that ended by cancellation throws: an error like any other, for the
/// awaiting task to handle (tokio's JoinError::Cancelled).
class cancelled_error : public std::runtime_error {
  public:
    cancelled_error() : std::runtime_error("rt: the task was cancelled") {}
};

namespace detail {

/// Base of every awaiter that parks a task: the cancellation side of the wait, and what a
/// canceller takes back. Lives in the awaiter, in the parked coroutine's frame: a virtual
/// function table pointer and nothing else (everything else is in the task's cell, which every
/// awaiter of the task shares). A derived awaiter calls suspend() in await_suspend, resume()
/// first in await_resume, and implements unpark(). A frame destroyed while parked (runtime
/// shutdown) needs nothing more: abandoning the task clears its hook (task_cell::drop_hook).
class cancel_point {
  public:
    /// Removes this wait's waiter from the primitive it is registered with, under that
    /// primitive's lock, and returns it; returns an empty waiter if the primitive has already
    /// taken it to wake the task. Called by task_cell::cancel with `cell`'s cancel lock held.
    virtual waiter unpark(task_cell& cell) noexcept = 0;

  protected:
    cancel_point() = default;
    virtual ~cancel_point() = default;
    cancel_point(const cancel_point&) = delete;
    cancel_point& operator=(const cancel_point&) = delete;

    /// Publishes this wait as the task's cancel hook and calls `park()`, which registers the
    /// waiter with the primitive and returns whether the task suspends. If the task has been
    /// cancelled, parks nothing and returns false (resume() then throws). Outside a spawned
    /// task (no cell) it just parks. Returns what await_suspend returns.
    template <class Park>
    bool suspend(Park&& park) {
        task_cell* cell = current_cell();
        if (cell == nullptr) {
            return park();
        }
        std::lock_guard lock(cell->cancel_lock_); // the cell, not the frame: see below
        auto bits = cell->cancel_bits_.load(std::memory_order_relaxed);
        if ((bits & task_cell::requested) != 0) {
            cell->cancel_bits_.store(static_cast<std::uint8_t>(bits | task_cell::deliver),
                                     std::memory_order_relaxed);
            return false;
        }
        cell->hook_ = this;
        bool parked = false;
        try {
            parked = park();
        } catch (...) {
            cell->hook_ = nullptr;
            throw;
        }
        if (!parked) {
            cell->hook_ = nullptr;
        }
        // Once parked, another thread may resume us before this returns; its resume() waits
        // for the lock, and nothing here touches the frame after park().
        return parked;
    }

    /// Throws rt::cancellation if this wait was cancelled (the canceller resumed the task, or
    /// it was cancelled before it could park). Otherwise the wait completed: return its result.
    /// Runs on the resumed task, whose cell is the current one (run_one).
    void resume() {
        task_cell* cell = current_cell();
        if (cell == nullptr) {
            return;
        }
        bool deliver = false;
        {
            std::lock_guard lock(cell->cancel_lock_);
            if (cell->hook_ == this) {
                cell->hook_ = nullptr;
            }
            auto bits = cell->cancel_bits_.load(std::memory_order_relaxed);
            deliver = (bits & task_cell::deliver) != 0;
            if (deliver) {
                cell->cancel_bits_.store(static_cast<std::uint8_t>(bits & ~task_cell::deliver),
                                         std::memory_order_relaxed);
            }
        }
        if (deliver) {
            throw cancellation{};
        }
    }

    /// The waiter that wakes this task (for unpark() implementations whose primitive does not
    /// store one).
    static waiter waker(std::coroutine_handle<> h, scheduler* s, task_cell& cell) noexcept {
        return waiter{h, s, task_ref::share(&cell)};
    }
};

/// Whether the running task has been cancelled (false outside a spawned task): for suspension
/// points that may complete without parking (an elapsed sleep, yield_now).
inline bool current_task_cancelled() noexcept {
    task_cell* cell = current_cell();
    return cell != nullptr && cell->cancel_requested();
}

/// Throws rt::cancellation if the running task has been cancelled.
inline void throw_if_cancelled() {
    if (current_task_cancelled()) {
        throw cancellation{};
    }
}

} // namespace detail
} // namespace rt
