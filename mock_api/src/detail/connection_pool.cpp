#include "detail/connection_pool.hpp"

#include "detail/connection.hpp"

#include <algorithm>

namespace mock_api::detail {

connection_pool::connection_pool(pool_limits limits,
                                 journal& counters,
                                 std::function<void()> make_room,
                                 std::function<void(std::size_t)> waiting)
    : limits_(limits), counters_(counters), make_room_(std::move(make_room)),
      waiting_(std::move(waiting)) {}

connection_pool::~connection_pool() { shutdown(); }

bool connection_pool::start_thread() {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, limits_.stack_bytes);
    pthread_t thread;
    const int rc = pthread_create(&thread, &attr, &connection_pool::thread_main, this);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        return false;
    }
    threads_.push_back(thread);
    ++idle_; // the new thread takes a job as soon as it runs
    return true;
}

void connection_pool::enqueue(std::function<void()> fn) {
    std::unique_lock lock(mutex_);
    bool waits = false;
    if (idle_ == 0) {
        // Out of threads (at the cap, or the system refused one): the job waits for one.
        waits = threads_.size() >= limits_.max_threads || !start_thread();
    }
    if (waits && jobs_.size() >= limits_.max_waiting) {
        lock.unlock();
        counters_.count_refused(); // first: the client may look at the journal once closed
        set_refusing(true);
        fn(); // closes the socket without serving it
        set_refusing(false);
        return;
    }
    jobs_.push_back(std::move(fn));
    ++open_;
    if (idle_ > 0) {
        --idle_;
    }
    const int open_now = open_;
    lock.unlock();
    work_ready_.notify_one();
    counters_.count_connection(waits, open_now);
    if (waits) {
        make_room_();
    }
}

void connection_pool::shutdown() {
    std::vector<pthread_t> threads;
    {
        std::lock_guard lock(mutex_);
        shutting_down_ = true;
        threads.swap(threads_);
    }
    work_ready_.notify_all();
    for (auto t : threads) {
        pthread_join(t, nullptr);
    }
}

void* connection_pool::thread_main(void* self) {
    static_cast<connection_pool*>(self)->run();
    return nullptr;
}

void connection_pool::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        const bool woken = work_ready_.wait_for(
            lock, limits_.idle_thread_timeout, [this] { return !jobs_.empty() || shutting_down_; });
        if (!woken && !shutting_down_) {
            // Idle for the whole timeout (and counted in idle_, as no job claimed it): end.
            // Detached and gone from threads_ under the lock, so shutdown() never joins it;
            // nothing of the pool is touched once the lock is released.
            --idle_;
            const pthread_t self = pthread_self();
            threads_.erase(std::find_if(threads_.begin(), threads_.end(), [&](pthread_t t) {
                return pthread_equal(t, self) != 0;
            }));
            pthread_detach(self);
            return;
        }
        if (jobs_.empty()) {
            return; // shutting down with nothing left to serve
        }
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        const std::size_t still_queued = jobs_.size();
        lock.unlock();
        waiting_(still_queued);
        job();
        lock.lock();
        --open_;
        // Count as idle only if no job is waiting: a queued job is taken on the next turn.
        // (Undercounting idle threads only starts a spare thread; overcounting would leave a
        // job waiting behind busy ones, which is the serialisation this pool exists to avoid.)
        if (jobs_.empty()) {
            ++idle_;
        }
    }
}

} // namespace mock_api::detail
