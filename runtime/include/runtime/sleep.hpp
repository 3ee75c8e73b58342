#pragma once
// sleep_for / sleep_until: suspend the current task until a deadline on the reactor's timers.

#include "runtime/cancel.hpp"
#include "runtime/reactor.hpp"
#include "runtime/runtime.hpp"

#include <chrono>
#include <coroutine>

namespace rt {

/// Awaitable returned by sleep_until / sleep_for. Registers a timer with the current runtime's
/// reactor and suspends; the timer reschedules the task. Never blocks a thread. A suspension
/// point: a cancelled task throws rt::cancellation here, and a task cancelled while asleep is
/// woken at once, its timer disarmed. If the suspended frame is destroyed (runtime shutdown),
/// the timer is cancelled.
class [[nodiscard]] sleep_awaitable : public detail::cancel_point {
  public:
    explicit sleep_awaitable(reactor::clock::time_point deadline) noexcept : deadline_(deadline) {}
    sleep_awaitable(const sleep_awaitable&) = delete;
    sleep_awaitable& operator=(const sleep_awaitable&) = delete;
    ~sleep_awaitable() {
        if (armed_) {
            rt_->io().cancel(id_);
        }
    }

    /// A passed deadline completes at once, except in a cancelled task: await_suspend then
    /// delivers the cancellation, as at every suspension point.
    bool await_ready() const noexcept {
        return deadline_ <= reactor::clock::now() && !detail::current_task_cancelled();
    }
    /// Throws std::logic_error outside a runtime.
    bool await_suspend(std::coroutine_handle<> h) {
        rt_ = &require_current_runtime("rt::sleep_for");
        handle_ = h;
        return suspend([&] {
            // The id is stored before arming: once armed, the timer may fire and resume us on
            // another thread before arm() even returns.
            id_ = rt_->io().make_timer_id(deadline_);
            armed_ = true;
            rt_->io().arm(
                id_, [rt = rt_, h, owner = detail::current_task()] { rt->schedule(h, owner); });
            return true;
        });
    }
    void await_resume() {
        armed_ = false;
        resume();
    }

  private:
    detail::waiter unpark(detail::task_cell& cell) noexcept override {
        if (!rt_->io().cancel(id_)) {
            return {}; // fired: the task is being woken
        }
        return waker(handle_, rt_, cell);
    }

    reactor::clock::time_point deadline_;
    runtime* rt_ = nullptr;
    std::coroutine_handle<> handle_;
    reactor::timer_id id_{};
    bool armed_ = false;
};

/// Suspends the calling task until `deadline` (steady_clock). Completes immediately if the
/// deadline has passed. Runtime threads only.
inline sleep_awaitable sleep_until(reactor::clock::time_point deadline) noexcept {
    return sleep_awaitable(deadline);
}

/// Suspends the calling task for at least `d`. Runtime threads only.
template <class Rep, class Period>
sleep_awaitable sleep_for(std::chrono::duration<Rep, Period> d) noexcept {
    return sleep_awaitable(reactor::clock::now() +
                           std::chrono::duration_cast<reactor::clock::duration>(d));
}

/// Reschedules the calling task behind everything already queued on this thread's run queue
/// (cooperative yield). On the multi-thread runtime that is the worker's own queue; the shared
/// queue (timers, I/O, other threads' wake-ups) is still served at least every 61 steps. A
/// suspension point: a cancelled task throws rt::cancellation here, so a loop that only
/// computes and yields can be cancelled too.
struct yield_now {
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> h) const {
        auto& rt = require_current_runtime("rt::yield_now");
        if (detail::current_task_cancelled()) {
            return false; // await_resume throws
        }
        rt.schedule(h);
        return true;
    }
    void await_resume() const { detail::throw_if_cancelled(); }
};

} // namespace rt
