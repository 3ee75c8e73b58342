#include "runtime/block_on.hpp"

#include <stdexcept>

namespace rt {

current_thread_runtime::~current_thread_runtime() {
    shutdown();
    // Queued handles belonged to the frames shutdown() destroyed; drop them unresumed.
    std::lock_guard lock(mutex_);
    ready_.clear();
}

void current_thread_runtime::schedule(std::coroutine_handle<> h, task_ref owner) {
    {
        std::lock_guard lock(mutex_);
        ready_.push_back({h, std::move(owner)});
    }
    // The loop thread may be parked in epoll_wait; our own thread is by definition awake.
    if (current_runtime() != this) {
        io().wake();
    }
}

void current_thread_runtime::enter_check() const {
    if (current_runtime() != nullptr) {
        throw std::logic_error("rt: block_on called from inside a runtime (nested block_on)");
    }
}

detail::step current_thread_runtime::pop() {
    std::lock_guard lock(mutex_);
    if (ready_.empty()) {
        return {};
    }
    auto s = std::move(ready_.front());
    ready_.pop_front();
    return s;
}

void current_thread_runtime::run_until(const std::function<bool()>& done) {
    detail::runtime_scope scope(this);
    while (!done()) {
        // Run one batch (what is ready now), so that timers still fire under a busy load.
        std::size_t batch = 0;
        {
            std::lock_guard lock(mutex_);
            batch = ready_.size();
        }
        for (; batch > 0; --batch) {
            if (auto s = pop()) {
                detail::run_one(s);
            }
        }
        bool idle = false;
        {
            std::lock_guard lock(mutex_);
            idle = ready_.empty();
        }
        if (!done()) {
            io().poll(idle ? std::nullopt : std::optional(reactor::clock::duration::zero()));
        }
    }
}

} // namespace rt
