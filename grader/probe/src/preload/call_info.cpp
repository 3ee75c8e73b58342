#include "report.hpp"
#include "sys.hpp"

#include <fcntl.h>
#include <utility>

namespace tg::probe {

call_info& call_info::text(const char* s) noexcept {
    while (*s != '\0' && len_ + 1 < sizeof detail_) {
        detail_[len_++] = *s++;
    }
    detail_[len_] = '\0';
    return *this;
}

call_info& call_info::number(std::int64_t n) noexcept {
    char digits[24];
    int count = 0;
    auto v = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
    do {
        digits[count++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    if (n < 0) {
        text("-");
    }
    char out[2] = {};
    while (count > 0) {
        out[0] = digits[--count];
        text(out);
    }
    return *this;
}

call_info& call_info::millis(std::int64_t ns) noexcept {
    const std::int64_t micros = ns < 0 ? 0 : ns / 1000;
    number(micros / 1000);
    if (const std::int64_t frac = micros % 1000; frac != 0) {
        char out[5] = {'.',
                       static_cast<char>('0' + frac / 100),
                       static_cast<char>('0' + frac / 10 % 10),
                       static_cast<char>('0' + frac % 10),
                       '\0'};
        std::size_t end = 3;
        while (out[end] == '0') {
            out[end--] = '\0';
        }
        text(out);
    }
    return text(" ms");
}

namespace {

// "/proc/self/fd/N" into `out`.
void fd_link(int fd, char (&out)[32]) noexcept {
    const char prefix[] = "/proc/self/fd/";
    std::size_t n = 0;
    for (; prefix[n] != '\0'; ++n) {
        out[n] = prefix[n];
    }
    char digits[12];
    int count = 0;
    auto v = static_cast<unsigned>(fd < 0 ? 0 : fd);
    do {
        digits[count++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (count > 0) {
        out[n++] = digits[--count];
    }
    out[n] = '\0';
}

} // namespace

call_info& call_info::path_at(int dirfd, const char* p) noexcept {
    pending_ = pending::path;
    pending_fd_ = dirfd;
    pending_path_ = p;
    return *this;
}

call_info& call_info::fd_path(int fd) noexcept {
    pending_ = pending::fd;
    pending_fd_ = fd;
    return *this;
}

const char* call_info::detail() noexcept {
    resolve_path();
    return detail_;
}

const char* call_info::file() noexcept {
    resolve_path();
    return path_len_ > 0 ? path_ : nullptr;
}

void call_info::resolve_path() noexcept {
    const pending what = std::exchange(pending_, pending::none);
    if (what == pending::fd) {
        char link[32];
        fd_link(pending_fd_, link);
        path_len_ = read_link(link, path_, sizeof path_);
        text("fd=").number(pending_fd_);
        if (path_len_ > 0) {
            text(" path=").text(path_);
        }
        return;
    }
    if (what != pending::path) {
        return;
    }
    const char* p = pending_path_ != nullptr ? pending_path_ : "";
    path_len_ = 0;
    if (p[0] != '/') { // relative: to the working directory or to dirfd's directory
        if (pending_fd_ == AT_FDCWD) {
            const long n = raw_syscall(SYS_getcwd, path_, sizeof path_ - 1);
            path_len_ = n > 1 ? static_cast<std::size_t>(n - 1) : 0; // n counts the NUL
        } else {
            char link[32];
            fd_link(pending_fd_, link);
            path_len_ = read_link(link, path_, sizeof path_);
        }
        if (path_len_ > 0 && path_len_ + 1 < sizeof path_ && path_[path_len_ - 1] != '/') {
            path_[path_len_++] = '/';
        }
    }
    while (*p != '\0' && path_len_ + 1 < sizeof path_) {
        path_[path_len_++] = *p++;
    }
    path_[path_len_] = '\0';
    text("path=").text(path_);
}

} // namespace tg::probe
