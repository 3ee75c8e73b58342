#include "fd_kinds.hpp"

#include "log.hpp"
#include "sys.hpp"

#include <atomic>
#include <fcntl.h>
#include <sys/stat.h>

namespace tg::probe {

namespace {

// Descriptors above this are looked at each time.
constexpr unsigned remembered_fds = 16384;

constinit std::atomic<fd_kind> kinds[remembered_fds] = {};

fd_kind kind_from_stat(int fd) noexcept {
    struct stat st {};
    if (raw_syscall(SYS_fstat, fd, &st) != 0) {
        return fd_kind::other;
    }
    if (S_ISREG(st.st_mode)) {
        return fd_kind::regular_file;
    }
    return S_ISSOCK(st.st_mode) ? fd_kind::socket : fd_kind::other;
}

} // namespace

fd_kind kind_of_fd(int fd) noexcept {
    if (fd <= 2 || is_log_fd(fd)) {
        return fd_kind::other;
    }
    const auto slot = static_cast<unsigned>(fd);
    if (slot < remembered_fds) {
        const fd_kind known = kinds[slot].load(std::memory_order_relaxed);
        if (known != fd_kind::unknown) {
            return known;
        }
    }
    const fd_kind kind = kind_from_stat(fd);
    if (slot < remembered_fds && kind != fd_kind::regular_file) {
        kinds[slot].store(kind, std::memory_order_relaxed);
    }
    return kind;
}

void remember_socket(int fd) noexcept {
    if (fd > 2 && static_cast<unsigned>(fd) < remembered_fds) {
        kinds[fd].store(fd_kind::socket, std::memory_order_relaxed);
    }
}

void forget_fds(unsigned first, unsigned last) noexcept {
    for (unsigned fd = first; fd <= last && fd < remembered_fds; ++fd) {
        kinds[fd].store(fd_kind::unknown, std::memory_order_relaxed);
    }
}

bool is_blocking_socket(int fd) noexcept {
    if (kind_from_stat(fd) != fd_kind::socket) {
        return false;
    }
    const long flags = raw_syscall(SYS_fcntl, fd, F_GETFL);
    return flags >= 0 && (flags & O_NONBLOCK) == 0;
}

} // namespace tg::probe
