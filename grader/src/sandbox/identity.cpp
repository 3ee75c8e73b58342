#include "grader/sandbox/identity.hpp"

#include <atomic>
#include <charconv>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace grader {

namespace fs = std::filesystem;

std::optional<uid_range> parse_uid_range(std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) {
        return std::nullopt;
    }
    int first = 0;
    int last = 0;
    const auto a = std::from_chars(text.data(), text.data() + dash, first);
    const auto b = std::from_chars(text.data() + dash + 1, text.data() + text.size(), last);
    if (a.ec != std::errc{} || a.ptr != text.data() + dash || b.ec != std::errc{} ||
        b.ptr != text.data() + text.size() || first <= 0 || last < first + 1) {
        return std::nullopt;
    }
    return uid_range{first, last - first + 1};
}

common::result<uid_lease> uid_lease::acquire(uid_range range, const fs::path& lock_dir) {
    std::error_code ec;
    fs::create_directories(lock_dir, ec);
    if (ec) {
        return common::error{common::errc::io,
                             "cannot create " + lock_dir.string() + ": " + ec.message()};
    }
    for (int uid = range.first; uid + 1 < range.first + range.count; uid += 2) {
        const auto file = lock_dir / std::to_string(uid);
        const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            continue;
        }
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
            return uid_lease(fd, uid);
        }
        ::close(fd);
    }
    return common::error{common::errc::io,
                         "every uid pair of " + std::to_string(range.first) + "-" +
                             std::to_string(range.first + range.count - 1) + " is in use"};
}

uid_lease::uid_lease(uid_lease&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), uid_(other.uid_) {}

uid_lease& uid_lease::operator=(uid_lease&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
        uid_ = other.uid_;
    }
    return *this;
}

uid_lease::~uid_lease() {
    if (fd_ >= 0) {
        ::close(fd_); // releases the flock
    }
}

sandbox_identity uid_lease::identity() const { return {uid_, uid_, uid_ + 1, uid_ + 1}; }

std::string next_cgroup_name() {
    static std::atomic<unsigned> counter{0};
    return "tg-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
}

} // namespace grader
