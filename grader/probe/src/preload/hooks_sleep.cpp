// The sleep family. Rust's std::thread::sleep and CPython's time.sleep call clock_nanosleep;
// glibc's nanosleep, usleep and sleep reach the kernel through its internal
// __clock_nanosleep, which no hook sees, so each program-level sleep is counted once.

#include "hooks.hpp"

#include <ctime>

namespace {

using namespace tg::probe;

std::int64_t to_ns(const timespec& t) noexcept {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// How long the caller asked to sleep: relative, or an absolute deadline on `clock`.
std::int64_t requested_ns(clockid_t clock, int flags, const timespec* req) noexcept {
    if (req == nullptr) {
        return 0;
    }
    if ((flags & TIMER_ABSTIME) == 0) {
        return to_ns(*req);
    }
    timespec now{};
    ::clock_gettime(clock, &now);
    return to_ns(*req) - to_ns(now);
}

} // namespace

TG_HOOK int clock_nanosleep(clockid_t clock, int flags, const timespec* req, timespec* rem) {
    auto real = TG_REAL(clock_nanosleep);
    hook_scope scope;
    if (!scope.active() || !may_be_async()) {
        return real(clock, flags, req, rem);
    }
    const std::int64_t asked = requested_ns(clock, flags, req);
    return timed_report(
        "clock_nanosleep",
        [&] { return real(clock, flags, req, rem); },
        [&](call_info& info) { info.text("sleep ").millis(asked); });
}

TG_HOOK int nanosleep(const timespec* req, timespec* rem) {
    auto real = TG_REAL(nanosleep);
    hook_scope scope;
    if (!scope.active() || !may_be_async()) {
        return real(req, rem);
    }
    return timed_report(
        "nanosleep",
        [&] { return real(req, rem); },
        [&](call_info& info) { info.text("sleep ").millis(req != nullptr ? to_ns(*req) : 0); });
}

TG_HOOK int usleep(useconds_t usec) {
    auto real = TG_REAL(usleep);
    hook_scope scope;
    if (!scope.active() || !may_be_async()) {
        return real(usec);
    }
    return timed_report(
        "usleep",
        [&] { return real(usec); },
        [&](call_info& info) { info.text("sleep ").millis(std::int64_t{usec} * 1000); });
}

TG_HOOK unsigned int sleep(unsigned int seconds) {
    auto real = TG_REAL(sleep);
    hook_scope scope;
    if (!scope.active() || !may_be_async()) {
        return real(seconds);
    }
    return timed_report(
        "sleep",
        [&] { return real(seconds); },
        [&](call_info& info) {
            info.text("sleep ").millis(std::int64_t{seconds} * 1'000'000'000);
        });
}
