#include "detail/connection_pool.hpp"

#include "detail/connection.hpp"

#include <algorithm>

namespace mock_api::detail {

connection_pool::connection_pool(pool_limits limits,
                                 journal& counters,
                                 std::function<void()> make_room,
                                 std::function<void(std::size_t)> unserved_changed)
    : limits_(limits), counters_(counters), make_room_(std::move(make_room)),
      unserved_changed_(std::move(unserved_changed)) {}

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
    ++starting_; // it takes a job as soon as it runs
    return true;
}

std::size_t connection_pool::unserved_jobs() const {
    const std::size_t free_threads = starting_ + waiting_;
    return jobs_.size() > free_threads ? jobs_.size() - free_threads : 0;
}

void connection_pool::enqueue(std::function<void()> fn) {
    std::unique_lock lock(mutex_);
    bool waits = false;
    if (jobs_.size() >= starting_ + waiting_) {
        // Every free thread is spoken for: start one, unless at the cap or the system refuses.
        waits = threads_.size() >= limits_.max_threads || !start_thread();
    }
    if (waits && unserved_jobs() >= limits_.max_waiting) {
        lock.unlock();
        counters_.count_refused(); // first: the client may look at the journal once closed
        set_refusing(true);
        fn(); // closes the socket without serving it
        set_refusing(false);
        return;
    }
    jobs_.push_back(std::move(fn));
    ++open_;
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

void connection_pool::retire(std::unique_lock<std::mutex>& lock) {
    // Gone from threads_ and detached under the lock, so shutdown() never joins it; nothing of
    // the pool is touched once the lock is released.
    const pthread_t self = pthread_self();
    const auto it = std::find_if(
        threads_.begin(), threads_.end(), [&](pthread_t t) { return pthread_equal(t, self) != 0; });
    if (it != threads_.end()) {
        threads_.erase(it);
    }
    pthread_detach(self);
    lock.unlock();
}

void connection_pool::run() {
    std::unique_lock lock(mutex_);
    --starting_;
    for (;;) {
        // Idle for the whole timeout (every wake-up found nothing to do): end this thread.
        const auto idle_until = std::chrono::steady_clock::now() + limits_.idle_thread_timeout;
        while (jobs_.empty() && !shutting_down_) {
            ++waiting_;
            const auto status = work_ready_.wait_until(lock, idle_until);
            --waiting_;
            if (status == std::cv_status::timeout && jobs_.empty() && !shutting_down_) {
                retire(lock);
                return;
            }
        }
        if (jobs_.empty()) {
            return; // shutting down with nothing left to serve
        }
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        const std::size_t still_unserved = unserved_jobs();
        lock.unlock();
        unserved_changed_(still_unserved);
        job();
        lock.lock();
        --open_;
    }
}

} // namespace mock_api::detail
