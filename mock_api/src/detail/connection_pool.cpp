#include "detail/connection_pool.hpp"

#include <stdexcept>

namespace mock_api::detail {

connection_pool::connection_pool(std::size_t max_threads,
                                 journal& counters,
                                 std::size_t stack_bytes)
    : max_threads_(max_threads), stack_bytes_(stack_bytes), counters_(counters) {}

connection_pool::~connection_pool() { shutdown(); }

void connection_pool::enqueue(std::function<void()> fn) {
    std::unique_lock lock(mutex_);
    jobs_.push_back(std::move(fn));
    ++open_;
    bool queued = false;
    if (idle_ == 0) {
        if (threads_.size() < max_threads_) {
            pthread_attr_t attr;
            pthread_attr_init(&attr);
            pthread_attr_setstacksize(&attr, stack_bytes_);
            pthread_t thread;
            const int rc = pthread_create(&thread, &attr, &connection_pool::thread_main, this);
            pthread_attr_destroy(&attr);
            if (rc == 0) {
                threads_.push_back(thread);
                ++idle_; // the new thread takes the job as soon as it runs
            } else {
                queued = true; // out of threads: the job waits for a running one
            }
        } else {
            queued = true;
        }
    }
    if (idle_ > 0) {
        --idle_;
    }
    const int open_now = open_;
    lock.unlock();
    work_ready_.notify_one();
    counters_.count_connection(queued, open_now);
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
        work_ready_.wait(lock, [this] { return !jobs_.empty() || shutting_down_; });
        if (jobs_.empty()) {
            return; // shutting down with nothing left to serve
        }
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
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
