#pragma once
// connection_pool: httplib's task queue, one thread per open connection.
//
// cpp-httplib serves a connection on one thread from accept to close and the mock's delays
// wait on that thread, so a fixed pool smaller than the offered concurrency would serialise
// requests (WireMock's failure, wiremock#598). This pool starts a thread whenever every
// existing one is busy, up to `max_threads`, and keeps idle threads for reuse (a thread idle
// for `idle_thread_timeout` ends). Past the cap, a connection waits in a queue (counted as
// queued in the journal) and asks `make_room` to evict a connection that is not being served;
// past `max_waiting` waiting connections, new ones are closed at once (counted as refused).
// Threads, waiting connections and so descriptors are all bounded, whatever a client does.

#include "mock_api/journal.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <httplib.h>
#include <mutex>
#include <pthread.h>
#include <vector>

namespace mock_api::detail {

struct pool_limits {
    std::size_t max_threads = 4096; ///< connections served at once
    std::size_t max_waiting = 1024; ///< connections waiting for a thread; more are refused
    /// A thread idle this long ends, so that a burst's threads do not stay forever.
    std::chrono::milliseconds idle_thread_timeout{10000};
    /// Per-thread stack (address space, not memory, until touched). Large on purpose: httplib
    /// parses the Range header with std::regex, which recurses per character; a 1 KB header
    /// overflowed 256 KiB and 6 KB overflowed glibc's default 8 MiB. Header lines are capped
    /// at 8 KiB by httplib, so 64 MiB leaves a wide margin.
    std::size_t stack_bytes = 64 * 1024 * 1024;
};

class connection_pool : public httplib::TaskQueue {
  public:
    /// `make_room` is called (on the listener thread, outside the pool's lock) whenever a
    /// connection has to wait, to evict one; `unserved_changed` (on a pool thread, outside the
    /// lock) whenever a thread takes a connection, with how many still wait for a thread.
    connection_pool(pool_limits limits,
                    journal& counters,
                    std::function<void()> make_room,
                    std::function<void(std::size_t)> unserved_changed);
    ~connection_pool() override;
    connection_pool(const connection_pool&) = delete;
    connection_pool& operator=(const connection_pool&) = delete;

    /// Serves `fn` (httplib's "serve this socket") on a thread, queues it, or, when the queue
    /// is full, runs it at once with refusing() set so that it only closes the socket.
    void enqueue(std::function<void()> fn) override;
    /// Lets queued and running connections finish, then joins every thread.
    void shutdown() override;

  private:
    static void* thread_main(void* self);
    void run();
    bool start_thread();               // with mutex_ held
    std::size_t unserved_jobs() const; // with mutex_ held
    void retire(std::unique_lock<std::mutex>& lock);

    pool_limits limits_;
    journal& counters_;
    std::function<void()> make_room_;
    std::function<void(std::size_t)> unserved_changed_;
    std::mutex mutex_;
    std::condition_variable work_ready_;
    std::deque<std::function<void()>> jobs_;
    std::vector<pthread_t> threads_;
    // Exact, so that threads are started only when needed: a thread is either starting (not
    // yet in its loop), waiting for a job, or serving one. A job finds a thread if there are
    // more starting and waiting threads than jobs ahead of it.
    std::size_t starting_ = 0;
    std::size_t waiting_ = 0;
    int open_ = 0; ///< connections queued or running
    bool shutting_down_ = false;
};

} // namespace mock_api::detail
