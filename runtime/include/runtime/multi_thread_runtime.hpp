#pragma once
// multi_thread_runtime: N worker threads sharing one run queue, plus one reactor thread.

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

/// Worker threads rt-worker-0..N-1 take coroutines from one mutex+condvar run queue (no work
/// stealing). A dedicated thread rt-reactor waits in the reactor and fires timers, which
/// schedule onto the queue. The destructor stops the workers (queued work is not run), then
/// destroys every unfinished task.
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
        auto s = std::make_shared<detail::slot<T>>();
        auto done = std::make_shared<detail::completion_signal>();
        s->notify_on_completion(done);
        adopt(detail::run_root(s, std::move(t)), "block_on", loc);
        done->wait();
        return detail::unwrap<T>(s->take(), "rt: block_on task was destroyed");
    }

  private:
    void enter_check() const;
    /// Stops and joins the workers (queued work is left unrun), then the reactor thread.
    void stop_threads() noexcept;
    void worker_main(std::size_t index);
    void reactor_main();

    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<detail::step> ready_;
    bool stopping_ = false;        // guarded by mutex_
    std::size_t idle_workers_ = 0; // workers waiting on cv_; guarded by mutex_
    std::atomic<bool> reactor_stopping_{false};
    std::vector<std::thread> workers_;
    std::thread reactor_thread_;
};

} // namespace rt
