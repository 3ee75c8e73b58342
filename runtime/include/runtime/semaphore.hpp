#pragma once
// semaphore: an async counting semaphore; acquire() suspends instead of blocking a thread.

#include "runtime/cancel.hpp"
#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace rt {

/// Hands out up to N permits. Waiters are served first-come first-served: a released permit
/// goes straight to the oldest waiter. Must outlive every task using it.
class semaphore {
  public:
    /// A held permit; releasing it (destruction) wakes the next waiter. Move-only.
    class [[nodiscard]] permit {
      public:
        permit(permit&& o) noexcept : sem_(std::exchange(o.sem_, nullptr)) {}
        permit& operator=(permit&& o) noexcept {
            if (this != &o) {
                release();
                sem_ = std::exchange(o.sem_, nullptr);
            }
            return *this;
        }
        ~permit() { release(); }
        /// Gives the permit back early. Any thread.
        void release() noexcept {
            if (sem_ != nullptr) {
                std::exchange(sem_, nullptr)->release_one();
            }
        }

      private:
        friend class semaphore;
        explicit permit(semaphore* s) noexcept : sem_(s) {}
        semaphore* sem_;
    };

    /// Awaitable returned by acquire(). A suspension point: a cancelled task throws
    /// rt::cancellation here, and one cancelled while queued leaves the queue (if a permit was
    /// handed to it first, the acquire completes and the next suspension point throws). If its
    /// frame is destroyed while waiting, it leaves the queue.
    class [[nodiscard]] acquire_awaiter : public detail::cancel_point {
      public:
        explicit acquire_awaiter(semaphore& s) noexcept : sem_(s) {}
        acquire_awaiter(const acquire_awaiter&) = delete;
        acquire_awaiter& operator=(const acquire_awaiter&) = delete;
        ~acquire_awaiter() {
            if (queued_) {
                std::lock_guard lock(sem_.mutex_);
                std::erase(sem_.waiters_, this);
            }
        }
        bool await_ready() const noexcept { return false; }
        bool await_suspend(std::coroutine_handle<> h) {
            auto& rt = require_current_runtime("rt::semaphore::acquire");
            return suspend([&] {
                std::lock_guard lock(sem_.mutex_);
                if (sem_.available_ > 0 && sem_.waiters_.empty()) {
                    --sem_.available_;
                    return false;
                }
                waiter_ = detail::waiter{h, &rt};
                queued_ = true;
                sem_.waiters_.push_back(this);
                return true; // the releaser may resume us on another thread from here on
            });
        }
        /// Throws rt::cancellation only when no permit was taken or handed over.
        permit await_resume() {
            resume();
            return permit(&sem_);
        }

      private:
        friend class semaphore;
        detail::waiter unpark(detail::task_cell& /*cell*/) noexcept override {
            std::lock_guard lock(sem_.mutex_);
            if (!queued_) {
                return {}; // a permit was handed over: the task is being woken
            }
            queued_ = false;
            std::erase(sem_.waiters_, this);
            return std::exchange(waiter_, {});
        }

        semaphore& sem_;
        detail::waiter waiter_;
        bool queued_ = false; // written under sem_.mutex_
    };

    /// A semaphore with `permits` permits available.
    explicit semaphore(std::size_t permits) noexcept : available_(permits) {}
    semaphore(const semaphore&) = delete;
    semaphore& operator=(const semaphore&) = delete;

    /// co_await to get a permit, suspending while none is free. Runtime threads only.
    acquire_awaiter acquire() noexcept { return acquire_awaiter(*this); }
    /// A permit if one is free right now and nobody is queued, else nullopt. Any thread.
    std::optional<permit> try_acquire() {
        std::lock_guard lock(mutex_);
        if (available_ == 0 || !waiters_.empty()) {
            return std::nullopt;
        }
        --available_;
        return permit(this);
    }
    /// Permits free right now. Any thread.
    std::size_t available() const {
        std::lock_guard lock(mutex_);
        return available_;
    }

  private:
    void release_one() noexcept {
        detail::waiter next;
        {
            std::lock_guard lock(mutex_);
            if (waiters_.empty()) {
                ++available_;
                return;
            }
            // Hand the permit over directly, so a late acquirer cannot overtake the queue.
            acquire_awaiter* w = waiters_.front();
            waiters_.pop_front();
            w->queued_ = false;
            next = w->waiter_;
        }
        next.wake();
    }

    mutable std::mutex mutex_;
    std::size_t available_;
    std::deque<acquire_awaiter*> waiters_;
};

} // namespace rt
