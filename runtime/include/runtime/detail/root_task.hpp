#pragma once
// root_task: the coroutine type of a spawned (top-level) task; owned by its runtime.

#include "runtime/scheduler.hpp"
#include "runtime/trace.hpp"

#include <coroutine>
#include <exception>
#include <source_location>
#include <string>

namespace rt {
class runtime;
}

namespace rt::detail {

struct root_promise;

/// Handle to a top-level coroutine. Nobody awaits it: it starts when its runtime first resumes
/// it and destroys its own frame when it finishes.
struct root_task {
    using promise_type = root_promise;
    std::coroutine_handle<root_promise> handle;
};

/// Promise of a root task: knows its runtime (which tracks live roots, so that shutdown can
/// destroy unfinished ones) and the name and spawn site given to spawn().
struct root_promise {
    runtime* owner_ = nullptr;
    task_ref record_;              ///< name, spawn site and statistics (trace.hpp), set by adopt()
    root_promise* prev_ = nullptr; ///< the runtime's list of live roots (runtime.hpp)
    root_promise* next_ = nullptr;

    root_task get_return_object() noexcept {
        return {std::coroutine_handle<root_promise>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    // Not suspending at the end frees the frame as soon as the body finishes.
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    // Root bodies catch everything themselves (see spawn.hpp); reaching here is a bug.
    void unhandled_exception() const noexcept { std::terminate(); }
    /// Marks the record ended (run_one then writes task_end) and unregisters from the owning
    /// runtime (runtime.cpp).
    ~root_promise();
};

} // namespace rt::detail
