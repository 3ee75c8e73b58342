#pragma once
// reactor: epoll + eventfd + a timer queue; the place where an idle thread waits.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace rt {

/// Waits for timers, file-descriptor readiness and cross-thread wake-ups. One epoll instance
/// holds an eventfd (written by wake()) and every watched fd; timers are kept in an ordered map,
/// and poll() sleeps in epoll_wait until the earliest deadline. All member functions are
/// thread-safe; poll() is meant to be called by one thread at a time (the run loop or the
/// dedicated reactor thread).
class reactor {
  public:
    using clock = std::chrono::steady_clock;

    /// What a watch waits for. EPOLLHUP / EPOLLERR count as ready for both.
    enum class fd_interest { readable, writable };
    /// How a watch ended: the fd became ready (or hung up / errored), or its deadline passed.
    enum class fd_event { ready, timed_out };
    /// Identifies one fd watch (see make_watch_id / watch).
    using watch_id = std::uint64_t;

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

    /// Reserves an id for an fd watch, so that a caller can store it before the watch can fire
    /// on another thread. Any thread.
    watch_id make_watch_id() noexcept;
    /// One-shot watch: `on_event(ready)` runs once on the polling thread when `fd` is ready for
    /// `interest` (or at once on the calling thread, if `fd` is registered and holds a token
    /// for `interest`: see register_fd), or `on_event(timed_out)` at `deadline` (if given),
    /// unless unwatch(id) wins first. At most one reader and one writer watch per fd at a time.
    /// Readiness may be spurious (a stale event for a reused fd number): callers retry their I/O
    /// and watch again on EAGAIN. Throws std::system_error if epoll refuses the fd,
    /// std::logic_error if the fd already has a watch for `interest`. Any thread.
    void watch(watch_id id,
               int fd,
               fd_interest interest,
               std::optional<clock::time_point> deadline,
               std::function<void(fd_event)> on_event);
    /// Registers `fd` for good (tokio's way; one epoll_ctl for the usual life of an fd):
    /// edge-triggered, so that later watches on it cost no system call. Readable edges from
    /// the start; writable ones from the first writable watch (one more epoll_ctl), since a
    /// socket is writable nearly always and each such edge would wake the poller for nothing.
    /// An edge that no watch is waiting for is kept as a token, and the next watch for that
    /// direction takes it and fires at once (on the calling thread). A token may be stale (the
    /// bytes it announced were read already): callers retry their I/O and watch again on
    /// EAGAIN, as for any watch. Call forget() before closing the fd. Registering an fd again
    /// starts afresh. Throws std::system_error if epoll refuses the fd, std::logic_error if the
    /// fd has a watch. Any thread.
    void register_fd(int fd);
    /// Takes `fd`'s token for `interest` if it has one (a registered fd saw an edge no watch
    /// was waiting for): the caller tries its I/O at once instead of watching. Any thread.
    bool take_token(int fd, fd_interest interest);
    /// Forgets a registered `fd` that is about to be closed (closing removes it from the epoll
    /// set; no system call here). Its watches must be gone. Any thread.
    void forget(int fd) noexcept;
    /// True while this reactor exists: held by whoever registered an fd with it and may
    /// outlive it (a pooled connection kept across runtimes).
    std::shared_ptr<const std::atomic<bool>> alive() const noexcept { return alive_; }

    /// Removes watch `id` (and its deadline timer). Returns true if it was removed before
    /// firing, false if it already fired (or never existed). Call before closing the fd.
    /// Any thread.
    bool unwatch(watch_id id);
    /// Number of active fd watches (for tests and diagnostics).
    std::size_t pending_watches() const;

    /// Waits until a timer is due, wake() is called, or `max_wait` elapses (nullopt: no limit
    /// other than the next timer), then runs every due timer callback on the calling thread.
    /// Throws std::system_error if epoll_wait fails for a reason other than EINTR.
    void poll(std::optional<clock::duration> max_wait);
    /// Makes a concurrent or the next poll() return promptly. Any thread; never blocks.
    void wake() noexcept;

  private:
    /// A registered watch; `timer` is its deadline timer, if any.
    struct fd_watch {
        int fd = -1;
        fd_interest interest = fd_interest::readable;
        std::optional<timer_id> timer;
        std::function<void(fd_event)> on_event;
    };
    /// The (at most) two watches of one fd, and whether the fd is in the epoll set: for a
    /// watch only (level-triggered, removed with its last watch), or for good (register_fd:
    /// edge-triggered, with the edges no watch took kept as tokens).
    struct fd_slot {
        watch_id reader = 0; ///< 0: none
        watch_id writer = 0;
        bool registered = false;
        bool persistent = false;
        bool watches_out = false; ///< persistent only: EPOLLOUT is in its epoll mask
        std::uint8_t tokens = 0;  ///< persistent only: token_bit(readable) | token_bit(writable)
    };
    static std::uint8_t token_bit(fd_interest interest) noexcept {
        return interest == fd_interest::readable ? 1 : 2;
    }

    int wait_timeout_ms(std::optional<clock::duration> max_wait) const;
    void fire_due_timers();
    bool arm_locked(timer_id id, std::function<void()> on_fire);
    void update_epoll_locked(int fd);
    std::function<void(fd_event)> take_watch_locked(watch_id id);
    void expire_watch(watch_id id);
    void collect_ready_locked(int fd,
                              std::uint32_t events,
                              std::vector<std::function<void(fd_event)>>& ready);

    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    mutable std::mutex mutex_;
    std::map<timer_id, std::function<void()>> timers_;
    std::atomic<std::uint64_t> next_seq_{0};
    std::map<watch_id, fd_watch> watches_;
    std::unordered_map<int, fd_slot> fds_;
    std::atomic<watch_id> next_watch_{1};
    std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
};

} // namespace rt
