#include "runtime/multi_thread_runtime.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rt {

multi_thread_runtime::multi_thread_runtime(std::size_t workers) {
    try {
        reactor_thread_ = std::thread([this] { reactor_main(); });
        for (std::size_t i = 0; i < std::max<std::size_t>(workers, 1); ++i) {
            workers_.emplace_back([this, i] { worker_main(i); });
        }
    } catch (...) {
        stop_threads(); // a joinable std::thread member would terminate on unwinding
        throw;
    }
}

multi_thread_runtime::~multi_thread_runtime() {
    stop_threads();
    shutdown();
    std::lock_guard lock(mutex_);
    ready_.clear(); // handles into frames shutdown() destroyed
}

void multi_thread_runtime::stop_threads() noexcept {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) {
        if (w.joinable()) {
            w.join();
        }
    }
    reactor_stopping_.store(true);
    io().wake();
    if (reactor_thread_.joinable()) {
        reactor_thread_.join();
    }
}

void multi_thread_runtime::schedule(std::coroutine_handle<> h, task_ref owner) {
    bool someone_idle = false;
    {
        std::lock_guard lock(mutex_);
        ready_.push_back({h, std::move(owner)});
        someone_idle = idle_workers_ > 0;
    }
    // A busy worker finds the step when it comes back to the queue: waking nobody saves a
    // futex call per schedule (most of them, under load).
    if (someone_idle) {
        cv_.notify_one();
    }
}

void multi_thread_runtime::enter_check() const {
    if (current_runtime() != nullptr) {
        throw std::logic_error("rt: block_on called from a runtime thread");
    }
}

void multi_thread_runtime::worker_main(std::size_t index) {
    detail::set_thread_name(("rt-worker-" + std::to_string(index)).c_str());
    detail::runtime_scope scope(this);
    auto started = std::chrono::steady_clock::now();
    for (;;) {
        detail::step s;
        {
            std::unique_lock lock(mutex_);
            if (!stopping_ && ready_.empty()) {
                ++idle_workers_;
                cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
                --idle_workers_;
                started = std::chrono::steady_clock::now(); // never charge the wait to a task
            }
            if (stopping_) {
                return;
            }
            s = std::move(ready_.front());
            ready_.pop_front();
        }
        started = detail::run_one(std::move(s), started);
    }
}

void multi_thread_runtime::reactor_main() {
    detail::set_thread_name("rt-reactor");
    while (!reactor_stopping_.load()) {
        io().poll(std::nullopt);
    }
}

} // namespace rt
