#pragma once
// The trampoline that makes task-to-task transfers constant-stack in every build.
//
// C++20 "symmetric transfer" (await_suspend returning the next handle) only avoids stack growth
// if the compiler emits the resumption as a tail call. GCC 12 does so when optimizing, but not
// at -O0 and not under ASan/TSan, where a chain of 100000 awaited tasks overflows the stack.
// So a task hands the next coroutine to this thread's trampoline and suspends; the loop in
// run_one() resumes it. Same order of execution as symmetric transfer, guaranteed flat stack.

#include <coroutine>
#include <utility>

namespace rt::detail {

/// The coroutine run_one() resumes next on this thread (set by transfer_to, at most one).
inline thread_local std::coroutine_handle<> next_on_this_thread;

/// Called from an await_suspend that is about to return: "resume `h` right after I suspend".
inline void transfer_to(std::coroutine_handle<> h) noexcept { next_on_this_thread = h; }

/// Resumes `h`, then every coroutine it transferred control to, until one suspends without a
/// transfer (it parked on a waiter, or the chain finished).
inline void resume_with_trampoline(std::coroutine_handle<> h) {
    while (h) {
        h.resume();
        h = std::exchange(next_on_this_thread, {});
    }
}

} // namespace rt::detail
