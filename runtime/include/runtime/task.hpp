#pragma once
// task<T>: the lazy, move-only coroutine type every other primitive is written in.

#include "runtime/detail/block_cache.hpp"
#include "runtime/detail/task_cell.hpp"
#include "runtime/detail/trampoline.hpp"

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace rt {

template <class T = void>
class task;

namespace detail {

/// What every task promise shares: lazy start, the escaped exception, and who is told at the
/// end: the coroutine awaiting the task, or - for a spawned task, which nobody awaits - its
/// cell. The two never coexist, so they share one word, a cell marked by its low bit (a frame
/// address is 16-aligned, a cell 8-aligned): 8 bytes less in every task's frame.
class task_promise_base {
    struct final_awaiter;

  public:
    std::exception_ptr exception_;

    std::suspend_always initial_suspend() const noexcept { return {}; }
    final_awaiter final_suspend() const noexcept;

    // Frames come from the block cache (detail/block_cache.hpp): a task spawned on one worker
    // and finished on another would otherwise cost glibc's arena lock twice.
    static void* operator new(std::size_t size) { return allocate_block(size); }
    static void operator delete(void* frame, std::size_t size) noexcept { free_block(frame, size); }
    void unhandled_exception() noexcept { exception_ = std::current_exception(); }

    /// The task is being awaited by `h`, which resumes when it ends.
    void set_continuation(std::coroutine_handle<> h) noexcept {
        next_ = reinterpret_cast<std::uintptr_t>(h.address());
    }
    /// The task was spawned: `cell` takes its outcome when it ends (spawn.hpp).
    void set_cell(task_cell* cell) noexcept {
        next_ = reinterpret_cast<std::uintptr_t>(cell) | cell_bit;
    }

  private:
    static constexpr std::uintptr_t cell_bit = 1;
    static_assert(alignof(task_cell) > cell_bit);

    /// Resumes whoever awaited the finished task, via the trampoline (see
    /// detail/trampoline.hpp), so a chain of tasks finishing one after another never grows the
    /// stack; or hands a spawned task's end to its cell, which takes the outcome and frees the
    /// frame. Runs on the thread that finished the task.
    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        template <class Promise>
        void await_suspend(std::coroutine_handle<Promise> h) const noexcept {
            const std::uintptr_t next = h.promise().next_;
            if ((next & cell_bit) != 0) {
                reinterpret_cast<task_cell*>(next & ~cell_bit)->finish(); // destroys this frame
            } else if (next != 0) {
                transfer_to(std::coroutine_handle<>::from_address(reinterpret_cast<void*>(next)));
            }
        }
        void await_resume() const noexcept {}
    };

    std::uintptr_t next_ = 0; ///< the awaiting coroutine's address, or the cell | cell_bit
};

inline task_promise_base::final_awaiter task_promise_base::final_suspend() const noexcept {
    return {};
}

/// Promise of task<T>: stores the returned value or the escaped exception.
template <class T>
struct task_promise : task_promise_base {
    std::variant<std::monostate, T> value_;

    task<T> get_return_object() noexcept;
    void return_value(T value) { value_.template emplace<1>(std::move(value)); }
    /// Moves the value out, or rethrows the stored exception.
    T result() {
        if (exception_) {
            std::rethrow_exception(exception_);
        }
        return std::move(std::get<1>(value_));
    }
};

/// Promise of task<void>.
template <>
struct task_promise<void> : task_promise_base {
    task<void> get_return_object() noexcept;
    void return_void() const noexcept {}
    void result() const {
        if (exception_) {
            std::rethrow_exception(exception_);
        }
    }
};

} // namespace detail

/// A lazy coroutine producing a T. Its body does not start until the task is co_awaited (or
/// handed to block_on / spawn); awaiting runs the body on the awaiting thread (control passes
/// through the run loop's trampoline, so chains of awaits use constant stack) and yields its
/// co_return value, or rethrows the exception that escaped the body. Move-only; await it once
/// (awaiting a moved-from task throws std::logic_error). Destroying a task that was never awaited
/// destroys its frame without running the body.
template <class T>
class [[nodiscard]] task {
    static_assert(!std::is_reference_v<T>, "task<T&> is not supported; return a pointer");

  public:
    using promise_type = detail::task_promise<T>;
    using value_type = T;

    task() noexcept = default;
    explicit task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    task& operator=(task&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    ~task() { reset(); }

    /// True if this task owns a coroutine frame (false after a move).
    bool valid() const noexcept { return static_cast<bool>(handle_); }
    /// Gives up ownership of the frame (for spawn, whose cell then owns it); empty afterwards.
    std::coroutine_handle<promise_type> release() noexcept { return std::exchange(handle_, {}); }

    // The awaiter protocol lives on task itself, so `co_await some_task` needs no adaptor.
    bool await_ready() const noexcept { return !handle_ || handle_.done(); }
    void await_suspend(std::coroutine_handle<> awaiting) noexcept {
        handle_.promise().set_continuation(awaiting);
        detail::transfer_to(handle_); // start the body as soon as we have suspended
    }
    T await_resume() {
        if (!handle_) {
            throw std::logic_error("rt: awaiting an empty (moved-from) task");
        }
        return handle_.promise().result();
    }

  private:
    void reset() noexcept {
        if (handle_) {
            handle_.destroy();
        }
    }
    std::coroutine_handle<promise_type> handle_;
};

namespace detail {
template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
    return task<T>{std::coroutine_handle<task_promise<T>>::from_promise(*this)};
}
inline task<void> task_promise<void>::get_return_object() noexcept {
    return task<void>{std::coroutine_handle<task_promise<void>>::from_promise(*this)};
}

/// void is not a value; results that may be void are stored as std::monostate.
template <class T>
using value_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
} // namespace detail

} // namespace rt
