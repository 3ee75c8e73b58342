#pragma once
// task_cell: the one allocation a spawned task adds to its own coroutine frame; task_ref: a
// counted reference to it.
//
// A cell holds what tokio keeps in a task's header and trailer: the task's name, spawn site
// and statistics (task_record, trace.hpp), a reference count, the runtime's list links, the
// coroutine frame it owns, and - in spawn_cell<T> (spawn.hpp) - the result the join handle
// reads. Its references: the runtime holds one from adopt() until the task ends; the join
// handle one; and every queued step and parked waiter one (task_ref), because the tail of a
// resume that ended the task (run_one writing task_end) still reads the record.

#include "runtime/detail/block_cache.hpp"
#include "runtime/detail/counted_ref.hpp"
#include "runtime/detail/spin_lock.hpp"
#include "runtime/trace.hpp"

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace rt {

class runtime;

namespace detail {

class cancel_point;

/// A task's cancel lock and state (cancel.hpp). A base of its own only for the layout: after
/// task_record, two bytes fit in its tail padding, so the cell pays for cancellation only the
/// hook pointer.
struct cancel_flags {
    static constexpr std::uint8_t requested = 1; ///< cancel() was called
    static constexpr std::uint8_t deliver = 2;   ///< the current wait must throw on resume
    spin_lock cancel_lock_;
    std::atomic<std::uint8_t> cancel_bits_{0}; ///< written under cancel_lock_
};

class task_cell : public task_record, public cancel_flags, public counted {
  public:
    task_cell() = default;
    task_cell(const task_cell&) = delete;
    task_cell& operator=(const task_cell&) = delete;

    // Cells come from the block cache, like frames (task.hpp). The deleting destructor of the
    // derived cell passes its own size.
    static void* operator new(std::size_t size) { return allocate_block(size); }
    static void operator delete(void* cell, std::size_t size) noexcept { free_block(cell, size); }

    /// Drops one reference; the last one frees the cell. Any thread.
    void release() noexcept {
        if (drop()) {
            delete this;
        }
    }

    /// The task's body returned or threw: called from the frame's final suspend (task.hpp).
    /// Moves the outcome into the result, destroys the frame, unregisters from the runtime,
    /// completes the result (waking the joiner) and drops the runtime's reference.
    /// noexcept, deliberately: a value whose move throws becomes the task's exception
    /// (spawn_cell::take_outcome, slot::complete), so the one failure left is a wake-up the
    /// joiner's run queue cannot allocate. That ends the program (std::terminate) rather than
    /// leave the joiner parked for ever; an out-of-memory abort is also what tokio does.
    virtual void finish() noexcept = 0;
    /// The runtime is shutting down with the task unfinished: destroys the frame (its
    /// destructors unregister its waiters), closes the result, writes task_end and drops the
    /// runtime's reference. Called with no thread running tasks.
    virtual void abandon() noexcept = 0;

    /// Asks the task to stop (join_handle::abort, timeout, when_any, task_group): from now on
    /// every suspension point of the task throws rt::cancellation, and if it is parked at one
    /// now, it is unparked and resumed to throw there (cancel.hpp). Idempotent; does nothing
    /// to a task that has already ended. Any thread, while the runtime lives. Throws only what
    /// scheduling the wake-up throws (std::bad_alloc).
    void cancel();
    /// Whether cancel() was called. Any thread.
    bool cancel_requested() const noexcept {
        return (cancel_bits_.load(std::memory_order_acquire) & requested) != 0;
    }

    /// The wait the task is parked in now, if that wait can be cancelled; guarded by
    /// cancel_lock_ (cancel.hpp).
    cancel_point* hook_ = nullptr;

    // Set by runtime::adopt; the links are guarded by the lock of the runtime's task list.
    runtime* owner_ = nullptr;
    task_cell* prev_ = nullptr;
    task_cell* next_ = nullptr;
    std::coroutine_handle<> frame_; ///< the task's coroutine frame, until it ends

  protected:
    virtual ~task_cell() {
        if (frame_) {
            frame_.destroy(); // never adopted (spawn failed before scheduling it)
        }
    }
    /// Forgets the cancel hook: the frame it lives in is about to be destroyed while parked
    /// (abandon).
    void drop_hook() noexcept;
    /// Destroys the frame, marks the record ended and unregisters from the runtime
    /// (runtime.cpp). Shared by finish() and abandon().
    void end_frame() noexcept;
};

} // namespace detail

/// A counted reference to a spawned task's cell (its record, result and frame). Copying it
/// costs one atomic increment; the last reference frees the cell. Null for work that belongs to
/// no spawned task.
using task_ref = detail::counted_ref<detail::task_cell>;

} // namespace rt
