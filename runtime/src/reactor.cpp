#include "runtime/reactor.hpp"

#include <array>
#include <cerrno>
#include <stdexcept>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace rt {

namespace {
[[noreturn]] void throw_errno(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}
} // namespace

reactor::reactor() {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) {
        throw_errno("epoll_create1");
    }
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) {
        ::close(epoll_fd_);
        throw_errno("eventfd");
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd_;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) < 0) {
        ::close(wake_fd_);
        ::close(epoll_fd_);
        throw_errno("epoll_ctl");
    }
}

reactor::~reactor() {
    alive_->store(false);
    ::close(wake_fd_);
    ::close(epoll_fd_);
}

reactor::timer_id reactor::make_timer_id(clock::time_point deadline) noexcept {
    return timer_id{deadline, next_seq_.fetch_add(1, std::memory_order_relaxed)};
}

bool reactor::arm_locked(timer_id id, std::function<void()> on_fire) {
    auto it = timers_.emplace(id, std::move(on_fire)).first;
    return it == timers_.begin();
}

void reactor::arm(timer_id id, std::function<void()> on_fire) {
    bool earliest = false;
    {
        std::lock_guard lock(mutex_);
        earliest = arm_locked(id, std::move(on_fire));
    }
    // The poller may be sleeping until a later deadline; make it recompute its timeout.
    if (earliest) {
        wake();
    }
}

reactor::timer_id reactor::add_timer(clock::time_point deadline, std::function<void()> on_fire) {
    timer_id id = make_timer_id(deadline);
    arm(id, std::move(on_fire));
    return id;
}

bool reactor::cancel(timer_id id) {
    std::function<void()> dropped; // destroyed outside the lock: it may own arbitrary state
    std::lock_guard lock(mutex_);
    auto it = timers_.find(id);
    if (it == timers_.end()) {
        return false;
    }
    dropped = std::move(it->second);
    timers_.erase(it);
    return true;
}

std::size_t reactor::pending_timers() const {
    std::lock_guard lock(mutex_);
    return timers_.size();
}

int reactor::wait_timeout_ms(std::optional<clock::duration> max_wait) const {
    std::optional<clock::duration> wait = max_wait;
    {
        std::lock_guard lock(mutex_);
        if (!timers_.empty()) {
            auto until_timer = timers_.begin()->first.deadline - clock::now();
            wait = wait ? std::min(*wait, until_timer) : until_timer;
        }
    }
    if (!wait) {
        return -1;
    }
    if (*wait <= clock::duration::zero()) {
        return 0;
    }
    // Round up: rounding down would wake just before the deadline and spin with timeout 0.
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(*wait).count();
    return static_cast<int>(std::min<decltype(ms)>(ms, 60'000));
}

void reactor::poll(std::optional<clock::duration> max_wait) {
    std::array<epoll_event, 128> events{}; // a fan-out's answers arrive in bursts
    int n = ::epoll_wait(
        epoll_fd_, events.data(), static_cast<int>(events.size()), wait_timeout_ms(max_wait));
    if (n < 0 && errno != EINTR) {
        throw_errno("epoll_wait");
    }
    std::vector<std::function<void(fd_event)>> ready;
    for (int i = 0; i < n; ++i) {
        const epoll_event& ev = events[static_cast<std::size_t>(i)];
        if (ev.data.fd == wake_fd_) {
            std::uint64_t count = 0;
            // Drain the counter so the eventfd is not readable until the next wake().
            [[maybe_unused]] auto r = ::read(wake_fd_, &count, sizeof count);
        } else {
            std::lock_guard lock(mutex_);
            collect_ready_locked(ev.data.fd, ev.events, ready);
        }
    }
    // Callbacks run unlocked: they schedule coroutines, which may watch again at once.
    for (auto& on_event : ready) {
        if (on_event) {
            on_event(fd_event::ready);
        }
    }
    fire_due_timers();
}

void reactor::wake() noexcept {
    std::uint64_t one = 1;
    // EAGAIN means the counter is saturated, i.e. a wake-up is already pending: fine.
    [[maybe_unused]] auto r = ::write(wake_fd_, &one, sizeof one);
}

void reactor::fire_due_timers() {
    std::vector<std::function<void()>> due;
    {
        std::lock_guard lock(mutex_);
        auto now = clock::now();
        while (!timers_.empty() && timers_.begin()->first.deadline <= now) {
            due.push_back(std::move(timers_.begin()->second));
            timers_.erase(timers_.begin());
        }
    }
    // Callbacks run unlocked: they schedule coroutines, which may arm new timers.
    for (auto& fire : due) {
        fire();
    }
}

reactor::watch_id reactor::make_watch_id() noexcept {
    return next_watch_.fetch_add(1, std::memory_order_relaxed);
}

void reactor::watch(watch_id id,
                    int fd,
                    fd_interest interest,
                    std::optional<clock::time_point> deadline,
                    std::function<void(fd_event)> on_event) {
    bool earliest = false;
    bool fire_now = false;
    {
        std::lock_guard lock(mutex_);
        fd_slot& slot = fds_[fd];
        watch_id& owner = interest == fd_interest::readable ? slot.reader : slot.writer;
        if (owner != 0) {
            throw std::logic_error("rt::reactor::watch: fd already has a watch for this interest");
        }
        if (slot.persistent && (slot.tokens & token_bit(interest)) != 0) {
            // An edge came before this watch: it is ready now. (Under the same lock as the
            // check, so an edge arriving meanwhile either is this token or finds the watch.)
            slot.tokens = static_cast<std::uint8_t>(slot.tokens & ~token_bit(interest));
            fire_now = true;
        } else {
            owner = id;
            try {
                update_epoll_locked(fd);
            } catch (...) {
                owner = 0;
                if (slot.reader == 0 && slot.writer == 0 && !slot.registered) {
                    fds_.erase(fd);
                }
                throw;
            }
            fd_watch& w = watches_[id];
            w = fd_watch{fd, interest, std::nullopt, std::move(on_event)};
            if (deadline) {
                w.timer = make_timer_id(*deadline);
                earliest = arm_locked(*w.timer, [this, id] { expire_watch(id); });
            }
        }
    }
    if (fire_now) {
        on_event(fd_event::ready); // unlocked, as on the polling thread
    }
    if (earliest) {
        wake();
    }
}

void reactor::register_fd(int fd) {
    std::lock_guard lock(mutex_);
    fd_slot& slot = fds_[fd];
    if (slot.reader != 0 || slot.writer != 0) {
        throw std::logic_error("rt::reactor::register_fd: fd has a watch");
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    ev.data.fd = fd;
    // Registering again (or over a stale entry of a number closed without forget()) starts
    // afresh: ADD says EEXIST only if this very file is in the set already, and MOD resets it.
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0 &&
        (errno != EEXIST || ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) < 0)) {
        const int err = errno;
        fds_.erase(fd);
        throw std::system_error(err, std::generic_category(), "epoll_ctl");
    }
    slot = fd_slot{0, 0, true, true, false, 0};
}

bool reactor::take_token(int fd, fd_interest interest) {
    std::lock_guard lock(mutex_);
    auto it = fds_.find(fd);
    if (it == fds_.end() || (it->second.tokens & token_bit(interest)) == 0) {
        return false;
    }
    it->second.tokens = static_cast<std::uint8_t>(it->second.tokens & ~token_bit(interest));
    return true;
}

void reactor::forget(int fd) noexcept {
    std::lock_guard lock(mutex_);
    auto it = fds_.find(fd);
    if (it != fds_.end() && it->second.persistent) {
        fds_.erase(it);
    }
}

bool reactor::unwatch(watch_id id) {
    std::function<void(fd_event)> dropped; // destroyed outside the lock
    std::lock_guard lock(mutex_);
    dropped = take_watch_locked(id);
    return static_cast<bool>(dropped);
}

std::size_t reactor::pending_watches() const {
    std::lock_guard lock(mutex_);
    return watches_.size();
}

// Removes watch `id`, its timer and its epoll interest; returns its callback (empty if absent).
std::function<void(reactor::fd_event)> reactor::take_watch_locked(watch_id id) {
    auto it = watches_.find(id);
    if (it == watches_.end()) {
        return {};
    }
    fd_watch w = std::move(it->second);
    watches_.erase(it);
    if (w.timer) {
        timers_.erase(*w.timer);
    }
    fd_slot& slot = fds_[w.fd];
    (w.interest == fd_interest::readable ? slot.reader : slot.writer) = 0;
    update_epoll_locked(w.fd);
    return std::move(w.on_event);
}

// Makes the epoll set match fds_[fd]: added, modified, or removed when no watch is left.
void reactor::update_epoll_locked(int fd) {
    fd_slot& slot = fds_[fd];
    if (slot.persistent) {
        // Registered for good; the first writable watch adds EPOLLOUT (and, edge-triggered,
        // gets an event at once if the fd is writable now).
        if (slot.writer != 0 && !slot.watches_out) {
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLRDHUP | EPOLLOUT | EPOLLET;
            ev.data.fd = fd;
            if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) < 0) {
                throw_errno("epoll_ctl");
            }
            slot.watches_out = true;
        }
        return;
    }
    if (slot.reader == 0 && slot.writer == 0) {
        if (slot.registered) {
            // Fails harmlessly if the fd was already closed (close() removed it from the set).
            ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
        }
        fds_.erase(fd);
        return;
    }
    epoll_event ev{};
    ev.events = (slot.reader != 0 ? EPOLLIN | EPOLLRDHUP : 0u) | (slot.writer != 0 ? EPOLLOUT : 0u);
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_fd_, slot.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0) {
        throw_errno("epoll_ctl");
    }
    slot.registered = true;
}

void reactor::collect_ready_locked(int fd,
                                   std::uint32_t events,
                                   std::vector<std::function<void(fd_event)>>& ready) {
    auto it = fds_.find(fd);
    if (it == fds_.end()) {
        return; // a stale event: the watch was removed after epoll_wait returned
    }
    const std::uint32_t broken = EPOLLHUP | EPOLLERR;
    const bool readable = (events & (EPOLLIN | EPOLLRDHUP | broken)) != 0;
    const bool writable = (events & (EPOLLOUT | broken)) != 0;
    fd_slot& slot = it->second;
    if (slot.persistent) { // an edge nobody waits for is kept for the next watch
        slot.tokens = static_cast<std::uint8_t>(
            slot.tokens | (readable && slot.reader == 0 ? token_bit(fd_interest::readable) : 0) |
            (writable && slot.writer == 0 ? token_bit(fd_interest::writable) : 0));
    }
    watch_id reader = readable ? slot.reader : 0;
    watch_id writer = writable ? slot.writer : 0;
    // `it` may be invalidated by the first take (the slot is erased when empty).
    for (watch_id id : {reader, writer}) {
        if (id != 0) {
            ready.push_back(take_watch_locked(id));
        }
    }
}

// The deadline timer of watch `id` fired: if the fd did not win, report the time-out.
void reactor::expire_watch(watch_id id) {
    std::function<void(fd_event)> on_event;
    {
        std::lock_guard lock(mutex_);
        auto it = watches_.find(id);
        if (it == watches_.end()) {
            return;
        }
        it->second.timer.reset(); // already removed from timers_ by fire_due_timers
        on_event = take_watch_locked(id);
    }
    on_event(fd_event::timed_out);
}

} // namespace rt
