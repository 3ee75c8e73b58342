#pragma once
// wait_readable / wait_writable: suspend the current task until an fd is ready or a deadline.

#include "runtime/cancel.hpp"
#include "runtime/reactor.hpp"
#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"

#include <coroutine>
#include <optional>

namespace rt::net {

/// Awaitable returned by wait_readable / wait_writable. Registers a one-shot watch with the
/// current runtime's reactor and suspends; the polling thread schedules the task (it never
/// resumes it inline). For an fd registered with the reactor (reactor::register_fd) that has
/// seen the edge already, it does not suspend. Yields reactor::fd_event::ready (also on hang-up or
/// error: the next read or write reports what happened) or fd_event::timed_out. A suspension point:
/// a cancelled task throws rt::cancellation here, and one cancelled while waiting is woken at once,
/// its watch removed. If the suspended frame is destroyed (runtime shutdown), the watch is removed.
class [[nodiscard]] fd_ready_awaitable : public detail::cancel_point {
  public:
    fd_ready_awaitable(int fd,
                       reactor::fd_interest interest,
                       std::optional<reactor::clock::time_point> deadline) noexcept
        : fd_(fd), interest_(interest), deadline_(deadline) {}
    fd_ready_awaitable(const fd_ready_awaitable&) = delete;
    fd_ready_awaitable& operator=(const fd_ready_awaitable&) = delete;
    ~fd_ready_awaitable() {
        if (armed_) {
            rt_->io().unwatch(id_);
        }
    }

    bool await_ready() const noexcept { return false; }
    /// Throws std::logic_error outside a runtime, std::system_error if epoll refuses the fd.
    bool await_suspend(std::coroutine_handle<> h) {
        rt_ = &require_current_runtime("rt::net::wait_readable");
        handle_ = h;
        return suspend([&] {
            // A registered fd (tcp_stream) may have seen the edge already: no wait at all.
            if (rt_->io().take_token(fd_, interest_)) {
                event_ = reactor::fd_event::ready;
                return false;
            }
            // Stored before watching: once watched, the task may resume on another thread
            // before watch() even returns.
            id_ = rt_->io().make_watch_id();
            armed_ = true;
            try {
                // The waiter records the owning task now, on the parking thread: the polling
                // thread that fires the watch has no current task.
                detail::waiter w{h, rt_};
                rt_->io().watch(id_, fd_, interest_, deadline_, [this, w](reactor::fd_event e) {
                    event_ = e;
                    w.wake(); // the frame may be gone once this returns: no `this` after
                });
            } catch (...) {
                armed_ = false;
                throw;
            }
            return true;
        });
    }
    reactor::fd_event await_resume() {
        armed_ = false;
        resume();
        return event_;
    }

  private:
    detail::waiter unpark(detail::task_cell& cell) noexcept override {
        if (!rt_->io().unwatch(id_)) {
            return {}; // fired: the task is being woken
        }
        return waker(handle_, rt_, cell);
    }

    int fd_;
    reactor::fd_interest interest_;
    std::optional<reactor::clock::time_point> deadline_;
    runtime* rt_ = nullptr;
    std::coroutine_handle<> handle_;
    reactor::watch_id id_ = 0;
    bool armed_ = false;
    reactor::fd_event event_ = reactor::fd_event::timed_out;
};

/// Suspends the calling task until `fd` is readable (or hung up / errored) or `deadline`
/// passes. Runtime threads only.
inline fd_ready_awaitable
wait_readable(int fd, std::optional<reactor::clock::time_point> deadline = std::nullopt) noexcept {
    return fd_ready_awaitable(fd, reactor::fd_interest::readable, deadline);
}

/// Suspends the calling task until `fd` is writable (or hung up / errored) or `deadline`
/// passes. Runtime threads only.
inline fd_ready_awaitable
wait_writable(int fd, std::optional<reactor::clock::time_point> deadline = std::nullopt) noexcept {
    return fd_ready_awaitable(fd, reactor::fd_interest::writable, deadline);
}

} // namespace rt::net
