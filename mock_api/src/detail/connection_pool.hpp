#pragma once
// connection_pool: httplib's task queue, one thread per open connection.
//
// cpp-httplib serves a connection on one thread from accept to close and the mock's delays
// wait on that thread, so a fixed pool smaller than the offered concurrency would serialise
// requests (WireMock's failure, wiremock#598). This pool starts a thread whenever every
// existing one is busy, up to `max_threads`, and keeps idle threads for reuse. Past the cap,
// connections wait in a queue and are counted as queued in the journal rather than refused.

#include "mock_api/journal.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <httplib.h>
#include <mutex>
#include <pthread.h>
#include <vector>

namespace mock_api::detail {

class connection_pool : public httplib::TaskQueue {
  public:
    /// `stack_bytes`: per-thread stack (address space, not memory, until touched). Large on
    /// purpose: httplib parses the Range header with std::regex, which recurses per character;
    /// a 1 KB header overflowed 256 KiB and 6 KB overflowed glibc's default 8 MiB. Header
    /// lines are capped at 8 KiB by httplib, so 64 MiB leaves a wide margin.
    connection_pool(std::size_t max_threads,
                    journal& counters,
                    std::size_t stack_bytes = 64 * 1024 * 1024);
    ~connection_pool() override;
    connection_pool(const connection_pool&) = delete;
    connection_pool& operator=(const connection_pool&) = delete;

    void enqueue(std::function<void()> fn) override;
    /// Lets queued and running connections finish, then joins every thread.
    void shutdown() override;

  private:
    static void* thread_main(void* self);
    void run();

    std::size_t max_threads_;
    std::size_t stack_bytes_;
    journal& counters_;
    std::mutex mutex_;
    std::condition_variable work_ready_;
    std::deque<std::function<void()>> jobs_;
    std::vector<pthread_t> threads_;
    std::size_t idle_ = 0;
    int open_ = 0; ///< connections queued or running
    bool shutting_down_ = false;
};

} // namespace mock_api::detail
