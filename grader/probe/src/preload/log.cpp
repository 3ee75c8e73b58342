#include "log.hpp"

#include "sys.hpp"

#include <atomic>
#include <fcntl.h>
#include <sys/stat.h>

namespace tg::probe {

namespace {

// The log descriptor is moved above the numbers programs usually use, so that a program
// closing "all its descriptors" from 3 up is less likely to hit it.
constexpr int preferred_log_fd = 1000;

struct log_file {
    std::atomic<int> fd{-1};
    dev_t dev = 0;
    ino_t ino = 0;
    std::atomic<int> pid{0};
    std::atomic<std::uint64_t> image{0};
    std::atomic<int> lines{0};
    std::atomic<int> call_lines{0};
    std::atomic<std::uint64_t> dropped{0};
};
constinit log_file log_state;

std::uint64_t new_image_id() noexcept {
    // Unique enough per pid: the load time in nanoseconds, mixed with the pid.
    const auto t = static_cast<std::uint64_t>(now_ns());
    return (t ^ (static_cast<std::uint64_t>(current_pid()) << 44)) & 0xffffffffffffULL;
}

bool still_the_log(int fd) noexcept {
    struct stat st {};
    return raw_syscall(SYS_fstat, fd, &st) == 0 && st.st_dev == log_state.dev &&
           st.st_ino == log_state.ino;
}

} // namespace

bool open_log(const char* path) noexcept {
    const long fd =
        raw_syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return false;
    }
    long high = raw_syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, preferred_log_fd);
    if (high >= 0) {
        raw_syscall(SYS_close, fd);
    } else {
        high = fd;
    }
    struct stat st {};
    if (raw_syscall(SYS_fstat, high, &st) != 0 || !S_ISREG(st.st_mode)) {
        raw_syscall(SYS_close, high);
        return false;
    }
    log_state.dev = st.st_dev;
    log_state.ino = st.st_ino;
    log_state.pid.store(current_pid());
    log_state.image.store(new_image_id());
    log_state.fd.store(static_cast<int>(high), std::memory_order_release);
    return true;
}

bool log_enabled() noexcept { return log_state.fd.load(std::memory_order_acquire) >= 0; }

bool write_line(const char* data, std::size_t size, bool always) noexcept {
    const int fd = log_state.fd.load(std::memory_order_acquire);
    if (fd < 0 || (log_state.lines.fetch_add(1) >= max_lines && !always)) {
        log_state.dropped.fetch_add(1);
        return false;
    }
    if (!still_the_log(fd)) {
        log_state.fd.store(-1); // never write into a file the program reopened on that number
        return false;
    }
    return raw_syscall(SYS_write, fd, data, size) == static_cast<long>(size);
}

bool take_call_line() noexcept {
    if (log_state.call_lines.fetch_add(1) < max_call_lines) {
        return true;
    }
    log_state.dropped.fetch_add(1);
    return false;
}

std::uint64_t dropped_lines() noexcept { return log_state.dropped.load(); }

bool is_log_fd(int fd) noexcept {
    return fd >= 0 && fd == log_state.fd.load(std::memory_order_relaxed);
}

bool keep_log_open(int fd) noexcept {
    if (!is_log_fd(fd)) {
        return false;
    }
    if (still_the_log(fd)) {
        return true;
    }
    log_state.fd.store(-1);
    return false;
}

int process_id() noexcept { return log_state.pid.load(std::memory_order_relaxed); }

std::uint64_t image_id() noexcept { return log_state.image.load(std::memory_order_relaxed); }

void reset_log_after_fork() noexcept {
    log_state.pid.store(current_pid());
    log_state.image.store(new_image_id());
    log_state.lines.store(0);
    log_state.call_lines.store(0);
    log_state.dropped.store(0);
}

} // namespace tg::probe
