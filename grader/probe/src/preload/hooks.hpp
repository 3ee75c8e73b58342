#pragma once
// What every hook shares. A hook calls the real function (real.hpp) and, only when the call
// could be a blocking call in async context (context.hpp: cheap checks first, its own
// arguments next), times it and hands it to report_blocking_call (report.hpp). Anything it
// cannot decide falls through to the real function unchanged; errno is what the real call left.

#include "context.hpp"
#include "fd_kinds.hpp"
#include "log.hpp"
#include "real.hpp"
#include "report.hpp"
#include "sys.hpp"

#include <sys/socket.h>
#include <sys/stat.h>

/// Exported (the rest of the probe is hidden) with C linkage: an interposed libc function.
#define TG_HOOK extern "C" __attribute__((visibility("default")))

namespace tg::probe {

/// Times `call` (a lambda making the real call), then reports `info` as a blocking call.
/// `describe(info)` fills the detail after the call, errno preserved.
template <class Call, class Describe>
auto timed_report(const char* name, Call&& call, Describe&& describe) {
    const std::int64_t start = now_ns();
    auto result = call();
    const std::int64_t took = now_ns() - start;
    errno_saver keep;
    call_info info(name);
    describe(info);
    report_blocking_call(info, took);
    return result;
}

} // namespace tg::probe

namespace tg::probe {

/// A hook on a call that names a file by path: reports it when the thread may be in async
/// context. `dirfd` is AT_FDCWD or the directory a relative `path` is under.
template <class Real, class... Args>
auto path_call(const char* name, Real real, int dirfd, const char* path, Args... args) {
    hook_scope scope;
    if (!scope.active() || path == nullptr || !may_be_async()) {
        return real(args...);
    }
    return timed_report(
        name, [&] { return real(args...); }, [&](call_info& info) { info.path_at(dirfd, path); });
}

/// Makes a call on socket `fd` (`call`, a lambda making the real call) and reports it when it
/// was slow and the socket blocks: a runtime's non-blocking sockets cost one clock read.
/// `describe(info)` adds to "fd=N blocking socket".
template <class Call, class Describe>
auto socket_call(const char* name, int fd, Call&& call, Describe&& describe) {
    const std::int64_t start = now_ns();
    auto result = call();
    const std::int64_t took = now_ns() - start;
    if (took < slow_socket_call_ns) {
        return result;
    }
    errno_saver keep;
    if (is_blocking_socket(fd)) {
        call_info info(name);
        info.text("fd=").number(fd).text(" blocking socket");
        describe(info);
        report_blocking_call(info, took);
    }
    return result;
}

/// A hook on a call on descriptor `fd`: reports it when `fd` is a regular file, or a blocking
/// socket the call waited on, and the thread may be in async context.
template <class Real, class... Args>
auto fd_call(const char* name, Real real, int fd, Args... args) {
    hook_scope scope;
    if (!scope.active() || fd <= 2 || !may_be_async()) {
        return real(args...);
    }
    switch (kind_of_fd(fd)) {
    case fd_kind::regular_file:
        return timed_report(
            name, [&] { return real(args...); }, [&](call_info& info) { info.fd_path(fd); });
    case fd_kind::socket:
        return socket_call(
            name, fd, [&] { return real(args...); }, [](call_info&) {});
    default:
        return real(args...);
    }
}

} // namespace tg::probe
