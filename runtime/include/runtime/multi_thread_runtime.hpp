#pragma once
// multi_thread_runtime: N worker threads with their own run queues (and stealing), plus one
// reactor thread.

#include "runtime/runtime.hpp"
#include "runtime/spawn.hpp"
#include "runtime/task.hpp"

#include <atomic>
#include <condition_variable>
#include <coroutine>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace rt {

/// Worker threads rt-worker-0..N-1 each run their own queue: what a worker schedules (a spawn,
/// a wake-up by a task it runs) goes on its own queue, where it stays hot in that core's cache;
/// what other threads schedule (the reactor's timers and I/O, the blocking pool, block_on)
/// goes on a shared queue. A worker with nothing to do takes from the shared queue, then steals
/// half of another worker's queue, then sleeps; a worker is woken only when one is asleep. A
/// dedicated thread rt-reactor waits in the reactor. The destructor stops the workers (queued
/// work is not run), then destroys every unfinished task.
class multi_thread_runtime final : public runtime {
  public:
    /// Starts `workers` worker threads (at least 1) and the reactor thread. Throws
    /// std::system_error if a thread cannot be started.
    explicit multi_thread_runtime(std::size_t workers = std::thread::hardware_concurrency());
    ~multi_thread_runtime() override;

    /// Thread-safe; wakes one idle worker if there is one (busy ones find it in the queue).
    using scheduler::schedule;
    void schedule(std::coroutine_handle<> h, task_ref owner) override;
    /// Number of worker threads.
    std::size_t worker_count() const noexcept { return workers_.size(); }

    /// Spawns `t` onto the workers and blocks the calling thread (which must not be one of this
    /// or any runtime's threads: std::logic_error) until it finishes; returns its value or
    /// rethrows its exception.
    template <class T>
    T block_on(task<T> t, std::source_location loc = std::source_location::current()) {
        enter_check();
        auto cell = detail::spawn_cell<T>::make(std::move(t));
        auto& result = detail::spawn_cell<T>::result_of(cell);
        adopt(*cell, "block_on", loc);
        // Parked only once adopted: if adopt throws, nothing may point at `done`. The task may
        // already have finished, and then park() refuses and there is nothing to wait for.
        detail::completion_signal done;
        if (result.park(detail::waiter{std::noop_coroutine(), &done})) {
            done.wait();
        }
        return detail::unwrap<T>(result.take(), "rt: block_on task was destroyed");
    }

  private:
    void enter_check() const;
    /// Stops and joins the workers (queued work is left unrun), then the reactor thread.
    void stop_threads() noexcept;
    void worker_main(std::size_t index);
    void reactor_main();

    /// Wakes one sleeping worker, if any, after a step was queued (queued_ already counts it).
    void wake_one_if_idle();
    /// The next step for worker `index`: its own queue, the shared one, or stolen; or none.
    /// `shared_first`: look at the shared queue before the worker's own.
    detail::step next_step(std::size_t index, bool shared_first);
    detail::step take_own(std::size_t index);
    detail::step take_shared();
    detail::step steal(std::size_t index);
    /// Pops the front of `q` (whose lock the caller holds) and uncounts it from queued_.
    detail::step take_front(std::deque<detail::step>& q);
    /// Steps a worker runs between two looks at the shared queue first (tokio uses 61 too).
    static constexpr std::size_t shared_interval = 61;

    struct local_queue {
        std::mutex mutex;
        std::deque<detail::step> steps;
    };
    std::vector<std::unique_ptr<local_queue>> locals_; // one per worker, fixed before start

    std::mutex mutex_; // the shared queue, and sleeping (cv_)
    std::condition_variable cv_;
    std::deque<detail::step> shared_; // guarded by mutex_
    std::atomic<std::size_t> shared_count_{0};
    std::atomic<std::size_t> queued_{0};       // steps in all queues
    std::atomic<std::size_t> idle_workers_{0}; // workers asleep (or about to be) on cv_
    std::atomic<bool> stopping_{false};
    std::atomic<bool> reactor_stopping_{false};
    std::vector<std::thread> workers_;
    std::thread reactor_thread_;
};

} // namespace rt
