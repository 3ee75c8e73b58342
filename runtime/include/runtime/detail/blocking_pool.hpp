#pragma once
// blocking_pool: threads for work that would block a worker (file I/O, CPU-heavy calls).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rt::detail {

/// A grow-on-demand pool of threads named rt-blocking-0, rt-blocking-1, ... Threads start when
/// a job arrives and none is idle, up to `max_threads`; beyond that jobs queue. Never shares
/// threads with a runtime's workers.
class blocking_pool {
  public:
    explicit blocking_pool(std::size_t max_threads = 16);
    /// Runs every queued job, then joins all threads.
    ~blocking_pool();
    blocking_pool(const blocking_pool&) = delete;
    blocking_pool& operator=(const blocking_pool&) = delete;

    /// Queues `job` to run on a pool thread. Any thread. Throws std::logic_error after stop()
    /// and std::system_error if a needed thread cannot be started.
    void submit(std::function<void()> job);
    /// Finishes queued jobs and joins the threads; idempotent. Not from a pool thread.
    void stop();

  private:
    void thread_main();

    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    std::vector<std::thread> threads_;
    std::size_t idle_ = 0;
    std::size_t max_threads_;
    bool stopping_ = false;
};

} // namespace rt::detail
