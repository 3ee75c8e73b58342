#pragma once
// reactor: epoll + eventfd + a timer queue; the place where an idle thread waits.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <tuple>

namespace rt {

/// Waits for timers and cross-thread wake-ups. One epoll instance holds an eventfd (written by
/// wake()); timers are kept in an ordered map, and poll() sleeps in epoll_wait until the
/// earliest deadline. All member functions are thread-safe; poll() is meant to be called by
/// one thread at a time (the run loop or the dedicated reactor thread).
class reactor {
  public:
    using clock = std::chrono::steady_clock;

    /// Identifies an armed timer; ordered by deadline, then by creation order.
    struct timer_id {
        clock::time_point deadline;
        std::uint64_t seq = 0;
        bool operator<(const timer_id& o) const {
            return std::tie(deadline, seq) < std::tie(o.deadline, o.seq);
        }
        bool operator==(const timer_id& o) const = default;
    };

    /// Creates the epoll instance and the eventfd; throws std::system_error if either fails.
    reactor();
    ~reactor();
    reactor(const reactor&) = delete;
    reactor& operator=(const reactor&) = delete;

    /// Reserves an id for a timer at `deadline` without arming it, so that a caller can store
    /// the id before the timer can possibly fire on another thread. Any thread.
    timer_id make_timer_id(clock::time_point deadline) noexcept;
    /// Arms timer `id`: `on_fire` runs once, on the polling thread, at or after the deadline,
    /// unless cancel(id) wins first. Wakes the poller if this is the new earliest deadline.
    void arm(timer_id id, std::function<void()> on_fire);
    /// make_timer_id + arm in one call; for callers that never read the id before it fires.
    timer_id add_timer(clock::time_point deadline, std::function<void()> on_fire);
    /// Disarms timer `id`. Returns true if it was removed before firing, false if it already
    /// fired (or never existed). Any thread.
    bool cancel(timer_id id);
    /// Number of armed timers (for tests and diagnostics).
    std::size_t pending_timers() const;

    /// Waits until a timer is due, wake() is called, or `max_wait` elapses (nullopt: no limit
    /// other than the next timer), then runs every due timer callback on the calling thread.
    /// Throws std::system_error if epoll_wait fails for a reason other than EINTR.
    void poll(std::optional<clock::duration> max_wait);
    /// Makes a concurrent or the next poll() return promptly. Any thread; never blocks.
    void wake() noexcept;

  private:
    int wait_timeout_ms(std::optional<clock::duration> max_wait) const;
    void fire_due_timers();

    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    mutable std::mutex mutex_;
    std::map<timer_id, std::function<void()>> timers_;
    std::atomic<std::uint64_t> next_seq_{0};
};

} // namespace rt
