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
// the cell's cancel lock, and registers with its primitive while still holding it. The
// canceller takes the same lock, and asks the hook to unpark (remove its waiter from the
// primitive, under the primitive's own lock). If that succeeds, nobody else will resume the
// task, so the canceller does, and the awaiter throws. If the primitive woke the task first,
// the wait completes normally and the next suspension point throws. Lock order: cell, then
// primitive; a primitive never takes a cell's cancel lock.

#include "runtime/detail/task_cell.hpp"
#include "runtime/scheduler.hpp"

#include <coroutine>
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

/// A parked wait that can be taken back by a canceller. Lives in the awaiter, in the parked
/// coroutine's frame.
class cancel_hook {
  public:
    /// Removes this wait's waiter from the primitive it is registered with, under that
    /// primitive's lock, and returns it; returns an empty waiter if the primitive has already
    /// taken it to wake the task. Called by task_cell::cancel with the cell's cancel lock held.
    virtual waiter unpark() noexcept = 0;

  protected:
    cancel_hook() = default;
    virtual ~cancel_hook() = default;
    cancel_hook(const cancel_hook&) = delete;
    cancel_hook& operator=(const cancel_hook&) = delete;

  private:
    friend class task_cell;
    friend class cancel_point;
    bool cancelled_ = false; ///< resumed by the canceller (or never parked): throw; cell-locked
};

/// Base of every awaiter that parks a task: the cancellation side of the wait. A derived
/// awaiter calls suspend() in await_suspend, resume() first in await_resume, and leave() first
/// in its destructor (before it unregisters from its primitive: until leave() returns, a
/// canceller may call unpark()).
class cancel_point : public cancel_hook {
  protected:
    cancel_point() = default;
    ~cancel_point() override = default;

    /// Publishes this wait as the task's cancel hook and calls `park()`, which registers the
    /// waiter with the primitive and returns whether the task suspends. If the task has been
    /// cancelled, parks nothing and returns false (resume() then throws). Outside a spawned
    /// task (no cell) it just parks. Returns what await_suspend returns.
    template <class Park>
    bool suspend(Park&& park) {
        task_cell* cell = current_cell();
        cell_ = cell;
        if (cell == nullptr) {
            return park();
        }
        std::lock_guard lock(cell->cancel_lock_); // the cell, not the frame: see below
        if (cell->cancel_requested_.load(std::memory_order_relaxed)) {
            cancelled_ = true;
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
        // for the lock, and nothing below touches the frame.
        return parked;
    }

    /// Throws rt::cancellation if this wait was cancelled (the canceller resumed the task, or
    /// it was cancelled before it could park). Otherwise the wait completed: return its result.
    void resume() {
        task_cell* cell = std::exchange(cell_, nullptr);
        if (cell == nullptr) {
            return; // did not suspend (await_ready), or no cell
        }
        bool cancelled = false;
        {
            std::lock_guard lock(cell->cancel_lock_);
            if (cell->hook_ == this) {
                cell->hook_ = nullptr;
            }
            cancelled = cancelled_;
        }
        if (cancelled) {
            throw cancellation{};
        }
    }

    /// The frame is being destroyed (runtime shutdown) while parked: unpublish the hook.
    void leave() noexcept {
        if (task_cell* cell = std::exchange(cell_, nullptr)) {
            std::lock_guard lock(cell->cancel_lock_);
            if (cell->hook_ == this) {
                cell->hook_ = nullptr;
            }
        }
    }

    /// The waiter that wakes this task, owned by its cell (for unpark() implementations whose
    /// primitive does not store one).
    waiter waker(std::coroutine_handle<> h, scheduler* s) const noexcept {
        return waiter{h, s, task_ref::share(cell_)};
    }

  private:
    task_cell* cell_ = nullptr; ///< the parked task; its run_one or a waiter keeps it alive
};

/// Throws rt::cancellation if the running task has been cancelled: for suspension points that
/// never park (yield_now) and combinators that check before they start work.
inline void throw_if_cancelled() {
    if (task_cell* cell = current_cell(); cell != nullptr && cell->cancel_requested()) {
        throw cancellation{};
    }
}

} // namespace detail
} // namespace rt
