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
    std::lock_guard lock(mutex_);
    ready_.push_back({h, std::move(owner)});
    // The loop thread may be parked in epoll_wait; our own thread is by definition awake.
    // Woken under the lock: once we unlock, the loop may run the step, finish block_on and
    // destroy the reactor.
    if (current_runtime() != this) {
        io().wake();
    }
}

void current_thread_runtime::enter_check() const {
    if (current_runtime() != nullptr) {
        throw std::logic_error("rt: block_on called from inside a runtime (nested block_on)");
    }
}

void current_thread_runtime::run_until(const std::function<bool()>& done) {
    detail::runtime_scope scope(this);
    std::deque<detail::step> batch;
    while (!done()) {
        // Take what is ready now as one batch (one lock), run it, and look at the reactor every
        // reactor_interval steps and after the batch, so that timers and I/O keep firing
        // under a busy load: nothing waits for a batch of 100k tasks to drain.
        {
            std::lock_guard lock(mutex_);
            batch.swap(ready_);
        }
        auto started = std::chrono::steady_clock::now();
        std::size_t since_poll = 0;
        try {
            while (!batch.empty()) {
                detail::step s = std::move(batch.front());
                batch.pop_front();
                started = detail::run_one(std::move(s), started);
                if (++since_poll == reactor_interval && !batch.empty()) {
                    since_poll = 0;
                    io().poll(reactor::clock::duration::zero());
                    started = std::chrono::steady_clock::now();
                }
            }
        } catch (...) { // the reactor failed (epoll): keep the rest of the batch queued
            std::lock_guard lock(mutex_);
            ready_.insert(ready_.begin(),
                          std::make_move_iterator(batch.begin()),
                          std::make_move_iterator(batch.end()));
            batch.clear();
            throw;
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
