#include "runtime/reactor.hpp"

#include <array>
#include <cerrno>
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
    ::close(wake_fd_);
    ::close(epoll_fd_);
}

reactor::timer_id reactor::make_timer_id(clock::time_point deadline) noexcept {
    return timer_id{deadline, next_seq_.fetch_add(1, std::memory_order_relaxed)};
}

void reactor::arm(timer_id id, std::function<void()> on_fire) {
    bool earliest = false;
    {
        std::lock_guard lock(mutex_);
        auto it = timers_.emplace(id, std::move(on_fire)).first;
        earliest = it == timers_.begin();
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
    std::array<epoll_event, 8> events{};
    int n = ::epoll_wait(
        epoll_fd_, events.data(), static_cast<int>(events.size()), wait_timeout_ms(max_wait));
    if (n < 0 && errno != EINTR) {
        throw_errno("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
        if (events[static_cast<std::size_t>(i)].data.fd == wake_fd_) {
            std::uint64_t count = 0;
            // Drain the counter so the eventfd is not readable until the next wake().
            [[maybe_unused]] auto r = ::read(wake_fd_, &count, sizeof count);
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

} // namespace rt
