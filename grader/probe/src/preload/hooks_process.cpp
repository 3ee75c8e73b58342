// Waiting for child processes (std::process::Command::output, subprocess.run, system()), and
// the bookkeeping: epoll_wait marks a loop runtime's thread (context.hpp), close of its epoll
// descriptor unmarks it, close never closes the probe's log, and every way of closing a
// descriptor number makes fd_kinds.hpp forget what it was.

#include "hooks.hpp"

#include <cstdio>
#include <cstdlib>
#include <sys/epoll.h>
#include <sys/wait.h>

using namespace tg::probe;

TG_HOOK pid_t waitpid(pid_t pid, int* status, int options) {
    auto real = TG_REAL(waitpid);
    hook_scope scope;
    if (!scope.active() || (options & WNOHANG) != 0 || !may_be_async()) {
        return real(pid, status, options);
    }
    return timed_report(
        "waitpid",
        [&] { return real(pid, status, options); },
        [&](call_info& info) { info.text("pid=").number(pid); });
}

TG_HOOK pid_t wait(int* status) {
    auto real = TG_REAL(wait);
    hook_scope scope;
    if (!scope.active() || !may_be_async()) {
        return real(status);
    }
    return timed_report(
        "wait", [&] { return real(status); }, [&](call_info& info) { info.text("any child"); });
}

TG_HOOK int system(const char* command) {
    auto real = TG_REAL(system);
    hook_scope scope;
    if (!scope.active() || !may_be_async()) {
        return real(command);
    }
    return timed_report(
        "system",
        [&] { return real(command); },
        [&](call_info& info) { info.text("command=").text(command != nullptr ? command : ""); });
}

TG_HOOK int epoll_wait(int epfd, epoll_event* events, int max, int timeout) {
    {
        hook_scope scope;
        if (scope.active()) {
            note_epoll_wait(epfd);
        }
    }
    return TG_REAL(epoll_wait)(epfd, events, max, timeout);
}

TG_HOOK int epoll_pwait(int epfd, epoll_event* events, int max, int timeout, const sigset_t* mask) {
    {
        hook_scope scope;
        if (scope.active()) {
            note_epoll_wait(epfd);
        }
    }
    return TG_REAL(epoll_pwait)(epfd, events, max, timeout, mask);
}

TG_HOOK int close(int fd) {
    if (keep_log_open(fd)) {
        return 0; // the program never knew of it; it closes on exec
    }
    forget_fd(fd);
    {
        hook_scope scope;
        if (scope.active()) {
            note_close(fd);
        }
    }
    return TG_REAL(close)(fd);
}

// The other ways a descriptor number stops meaning what it meant: fd_kinds.hpp forgets it.
TG_HOOK int close_range(unsigned first, unsigned last, int flags) noexcept {
    forget_fds(first, last);
    return TG_REAL(close_range)(first, last, flags);
}

TG_HOOK void closefrom(int first) noexcept {
    forget_fds(first < 0 ? 0U : static_cast<unsigned>(first), ~0U);
    TG_REAL(closefrom)(first);
}

TG_HOOK int dup2(int from, int to) noexcept {
    forget_fd(to);
    return TG_REAL(dup2)(from, to);
}

TG_HOOK int dup3(int from, int to, int flags) noexcept {
    forget_fd(to);
    return TG_REAL(dup3)(from, to, flags);
}

TG_HOOK int fclose(FILE* file) {
    if (file != nullptr) {
        forget_fd(fileno(file));
    }
    return TG_REAL(fclose)(file);
}
