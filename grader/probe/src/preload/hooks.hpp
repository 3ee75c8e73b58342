#pragma once
// What every hook shares. A hook calls the real function (real.hpp) and, only when the call
// could be a blocking call in async context (context.hpp: cheap checks first, its own
// arguments next), times it and hands it to report_blocking_call (report.hpp). Anything it
// cannot decide falls through to the real function unchanged; errno is what the real call left.

#include "context.hpp"
#include "log.hpp"
#include "real.hpp"
#include "report.hpp"
#include "sys.hpp"

#include <sys/socket.h>
#include <sys/stat.h>

/// Exported (the rest of the probe is hidden) with C linkage: an interposed libc function.
#define TG_HOOK extern "C" __attribute__((visibility("default")))

namespace tg::probe {

/// What an open descriptor is, as far as blocking goes.
enum class fd_kind : unsigned char { other, regular_file, blocking_socket };

/// Classifies `fd` with fstat (and fcntl for sockets). Standard streams and the log are
/// `other`: writing results to stdout is not what the probe is after.
fd_kind kind_of_fd(int fd) noexcept;

/// True when socket `fd` is in blocking mode.
bool is_blocking_socket(int fd) noexcept;

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

/// A hook on a call on descriptor `fd`: reports it when `fd` is a regular file or a blocking
/// socket and the thread may be in async context.
template <class Real, class... Args>
auto fd_call(const char* name, Real real, int fd, Args... args) {
    hook_scope scope;
    if (!scope.active() || fd <= 2 || !may_be_async()) {
        return real(args...);
    }
    const fd_kind kind = kind_of_fd(fd);
    if (kind == fd_kind::other) {
        return real(args...);
    }
    return timed_report(
        name,
        [&] { return real(args...); },
        [&](call_info& info) {
            if (kind == fd_kind::regular_file) {
                info.fd_path(fd);
            } else {
                info.text("fd=").number(fd).text(" blocking socket");
            }
        });
}

} // namespace tg::probe
