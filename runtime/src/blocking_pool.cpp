#include "runtime/detail/blocking_pool.hpp"

#include "runtime/runtime.hpp"

#include <stdexcept>
#include <string>

namespace rt::detail {

blocking_pool::blocking_pool(std::size_t max_threads) : max_threads_(max_threads) {}

blocking_pool::~blocking_pool() { stop(); }

void blocking_pool::submit(std::function<void()> job) {
    std::lock_guard lock(mutex_);
    if (stopping_) {
        throw std::logic_error("rt: blocking pool is stopped");
    }
    jobs_.push_back(std::move(job));
    // Start a thread only if the idle ones cannot take every queued job.
    if (jobs_.size() > idle_ && threads_.size() < max_threads_) {
        std::string name = "rt-blocking-" + std::to_string(threads_.size());
        threads_.emplace_back([this, name] {
            set_thread_name(name.c_str());
            thread_main();
        });
    } else {
        cv_.notify_one();
    }
}

void blocking_pool::stop() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        threads.swap(threads_);
    }
    cv_.notify_all();
    for (auto& t : threads) {
        t.join();
    }
}

void blocking_pool::thread_main() {
    std::unique_lock lock(mutex_);
    for (;;) {
        ++idle_;
        cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        --idle_;
        if (jobs_.empty()) {
            return; // stopping, and every queued job has run
        }
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();
        lock.lock();
    }
}

} // namespace rt::detail
