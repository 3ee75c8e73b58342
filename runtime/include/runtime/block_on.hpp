#pragma once
// current_thread_runtime and block_on: run tasks on the calling thread until one finishes.

#include "runtime/runtime.hpp"
#include "runtime/spawn.hpp"
#include "runtime/task.hpp"

#include <coroutine>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace rt {

/// A single-threaded runtime: tasks run only on the thread that calls block_on, and only while
/// it does. Other threads may wake its tasks (schedule writes the reactor's eventfd). Tasks
/// spawned and still pending when block_on returns wait for the next block_on; the destructor
/// destroys them.
class current_thread_runtime final : public runtime {
  public:
    current_thread_runtime() = default;
    ~current_thread_runtime() override;

    /// Thread-safe; from a foreign thread it also wakes the run loop out of epoll_wait.
    using scheduler::schedule;
    void schedule(std::coroutine_handle<> h, task_ref owner) override;

    /// Runs `t` (and whatever it spawns) on this thread until `t` finishes; returns its value
    /// or rethrows its exception. Throws std::logic_error if this thread already runs a
    /// runtime (no nested block_on).
    template <class T>
    T block_on(task<T> t, std::source_location loc = std::source_location::current()) {
        enter_check();
        auto cell = detail::spawn_cell<T>::make(std::move(t));
        adopt(*cell, "block_on", loc);
        auto& result = detail::spawn_cell<T>::result_of(cell);
        run_until([&] { return result.is_complete(); });
        return detail::unwrap<T>(result.take(), "rt: block_on task was destroyed");
    }

  private:
    void enter_check() const;
    /// The run loop: resume ready tasks; when none, wait in the reactor for a timer or wake.
    void run_until(const std::function<bool()>& done);

    /// Steps run between two looks at the reactor under load (tokio uses 61 too).
    static constexpr std::size_t reactor_interval = 61;

    std::mutex mutex_;
    std::deque<detail::step> ready_;
};

/// Runs `t` to completion on a fresh current_thread_runtime on the calling thread and returns
/// its value (or rethrows). Tasks it spawned and left unfinished are destroyed with the
/// runtime. Not from a runtime thread (std::logic_error).
template <class T>
T block_on(task<T> t, std::source_location loc = std::source_location::current()) {
    current_thread_runtime rt;
    return rt.block_on(std::move(t), loc);
}

} // namespace rt
