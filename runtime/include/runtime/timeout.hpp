#pragma once
// timeout: bound how long a task may take; the outcome is a value, not an exception.

#include "runtime/detail/slot.hpp"
#include "runtime/reactor.hpp"
#include "runtime/spawn.hpp"
#include "runtime/task.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>

namespace rt {

/// Either the task's value or the timed-out state.
template <class T>
class timeout_result {
  public:
    /// The timed-out state.
    static timeout_result timed_out() { return timeout_result(); }
    /// A finished-in-time result.
    static timeout_result finished(detail::value_t<T> v) { return timeout_result(std::move(v)); }

    /// True if the deadline passed first.
    bool is_timed_out() const noexcept { return !value_.has_value(); }
    explicit operator bool() const noexcept { return value_.has_value(); }
    /// The value; throws std::logic_error if timed out.
    detail::value_t<T>& value() {
        if (!value_) {
            throw std::logic_error("rt::timeout_result: timed out, no value");
        }
        return *value_;
    }

  private:
    timeout_result() = default;
    explicit timeout_result(detail::value_t<T> v) : value_(std::move(v)) {}
    std::optional<detail::value_t<T>> value_;
};

/// Runs `t` (spawned on the current runtime) for at most `limit`. Returns its value, or the
/// timed_out state if the deadline passed first; rethrows `t`'s exception if it threw in time.
/// On time-out `t` is cancelled (cancel.hpp): it throws rt::cancellation at its next
/// suspension point, at once if parked, so its destructors run (a request's socket closes) and
/// it holds nothing past the deadline; timeout does not wait for that unwinding to end. If `t`
/// finishes first, the timer is cancelled. If the awaiting task is cancelled, so is `t`.
/// Runtime threads only.
template <class T, class Rep, class Period>
task<timeout_result<T>> timeout(std::chrono::duration<Rep, Period> limit, task<T> t) {
    runtime& rt = require_current_runtime("rt::timeout");
    reactor& io = rt.io();
    // Spawned, and awaited through the cell's result slot directly: the timer closes the same
    // slot and cancels the task, whose own outcome, when it comes, finds the slot complete and
    // is dropped.
    auto cell = detail::spawn_cell<T>::make(std::move(t));
    rt.adopt(*cell, "timeout", std::source_location::current());
    auto deadline =
        reactor::clock::now() + std::chrono::duration_cast<reactor::clock::duration>(limit);
    auto timer = io.add_timer(deadline, [cell] {
        if (detail::spawn_cell<T>::result_of(cell).close()) {
            cell->cancel();
        }
    });
    typename detail::slot<T>::state outcome;
    try {
        outcome = co_await detail::spawn_cell<T>::result_of(cell).wait();
    } catch (const cancellation&) {
        io.cancel(timer);
        cell->cancel();
        throw;
    }
    io.cancel(timer);
    if (std::holds_alternative<detail::closed_t>(outcome)) {
        co_return timeout_result<T>::timed_out();
    }
    // slot<void> stores std::monostate, so unwrapping as value_t<T> also covers task<void>.
    co_return timeout_result<T>::finished(
        detail::unwrap<detail::value_t<T>>(std::move(outcome), "unreachable"));
}

} // namespace rt
