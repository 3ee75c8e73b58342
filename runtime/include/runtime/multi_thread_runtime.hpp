#pragma once
// multi_thread_runtime: N worker threads with their own run queues (and stealing), plus one
// reactor thread.

#include "runtime/detail/local_queue.hpp"
#include "runtime/runtime.hpp"
#include "runtime/spawn.hpp"
#include "runtime/task.hpp"

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace rt {

/// Worker threads rt-worker-0..N-1 each run their own queue: what a worker schedules (a spawn,
/// a wake-up by a task it runs) stays on that worker, hot in its core's cache; what other
/// threads schedule (the reactor's timers and I/O, the blocking pool, block_on) goes on a
/// shared queue. A worker's queue is a lock-free ring (detail/local_queue.hpp, tokio's design)
/// that spills half into the shared queue when full. A worker with nothing to do takes from the
/// shared queue (a fair share of it at once), then steals half of another worker's queue, then
/// keeps looking for a short while, then sleeps; whoever queues work wakes a sleeping worker,
/// and only then (no lock, no system call while every worker is busy). A dedicated thread
/// rt-reactor waits in the reactor. The destructor stops the workers (queued work is not run),
/// then destroys every unfinished task.
class multi_thread_runtime final : public runtime {
  public:
    /// Starts `workers` worker threads (at least 1) and the reactor thread. Throws
    /// std::system_error if a thread cannot be started.
    explicit multi_thread_runtime(std::size_t workers = std::thread::hardware_concurrency());
    ~multi_thread_runtime() override;

    /// Thread-safe; wakes one sleeping worker if there is one (busy ones find the step).
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

    /// Wakes one sleeping worker, if there is one, after a step was queued. `from`: the
    /// worker that queued it (not woken), or workers_.size() for another thread.
    void wake_one(std::size_t from) noexcept;
    /// Looks for work a while longer before sleeping (about 50-100 us): on a busy runtime a
    /// step usually arrives within that, and a sleep costs the worker that wakes it a system
    /// call. Returns the step found, or none.
    detail::step search(std::size_t index);
    static constexpr std::size_t search_rounds = 64;
    /// Puts worker `index` to sleep until wake_one or the destructor wakes it, unless there is
    /// work (or stopping) once it has announced that it sleeps.
    void sleep(std::size_t index);
    bool has_work() const;
    /// The next step for worker `index`: its own queue, the shared one, or
    /// stolen; or none. `shared_first`: look at the shared queue before the worker's own.
    detail::step next_step(std::size_t index, bool shared_first);
    detail::step take_own(std::size_t index);
    /// The shared queue's oldest step, and a share of the rest moved into `index`'s queue.
    detail::step take_shared(std::size_t index);
    detail::step steal(std::size_t index);
    /// Steps a worker runs between two looks at the shared queue first (tokio uses 61 too).
    static constexpr std::size_t shared_interval = 61;

    struct worker {
        worker() { spill.reserve(detail::local_queue::capacity / 2 + 1); }
        detail::local_queue queue;
        // Only the worker's own thread touches the rest.
        std::vector<detail::step> spill; ///< what a full queue pushed out, on its way to shared_
        /// 1 while the worker sleeps (or is about to); a waker claims it by setting 0.
        alignas(64) std::atomic<std::uint32_t> sleeping{0};
    };
    /// Moves `w`'s spill to the shared queue (on std::bad_alloc it stays, and w runs it).
    void flush_spill(worker& w) noexcept;
    std::vector<std::unique_ptr<worker>> locals_; // one per worker, fixed before start

    std::mutex mutex_;                // the shared queue
    std::deque<detail::step> shared_; // guarded by mutex_
    std::atomic<std::size_t> shared_count_{0};
    std::atomic<std::uint32_t> sleepers_{0}; // workers with sleeping == 1
    std::atomic<bool> stopping_{false};
    std::atomic<bool> reactor_stopping_{false};
    std::vector<std::thread> workers_;
    std::thread reactor_thread_;
};

} // namespace rt
