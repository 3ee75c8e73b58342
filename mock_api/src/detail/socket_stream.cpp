#include "detail/socket_stream.hpp"

#include "mock_api/journal.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

namespace mock_api::detail {
namespace {

// Waits for `events` on `fd` up to `timeout_ms`; false on timeout or when `stop_fd` (if any)
// became readable first: the server is stopping.
bool wait_for(int fd, short events, int timeout_ms, int stop_fd) {
    pollfd p[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
    for (;;) {
        const int rc = ::poll(p, stop_fd >= 0 ? 2 : 1, timeout_ms);
        if (rc < 0 && errno == EINTR) {
            continue;
        }
        return rc > 0 && p[1].revents == 0 && (p[0].revents & (events | POLLHUP | POLLERR)) != 0;
    }
}

void numeric_name(const sockaddr_storage& addr, std::string& ip, int& port) {
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET6) {
        sockaddr_in6 a6;
        std::memcpy(&a6, &addr, sizeof a6);
        ::inet_ntop(AF_INET6, &a6.sin6_addr, text, sizeof text);
        port = ntohs(a6.sin6_port);
    } else {
        sockaddr_in a4;
        std::memcpy(&a4, &addr, sizeof a4);
        ::inet_ntop(AF_INET, &a4.sin_addr, text, sizeof text);
        port = ntohs(a4.sin_port);
    }
    ip = text;
}

} // namespace

void describe_peer(connection& conn) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(conn.fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        numeric_name(addr, conn.remote_addr, conn.remote_port);
    }
    len = sizeof addr;
    if (::getsockname(conn.fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        numeric_name(addr, conn.local_addr, conn.local_port);
    }
}

bool socket_stream::wait_readable() const {
    int timeout_ms = limits_.read_timeout_ms;
    if (conn_.head_deadline_us != 0) {
        // A request's head has a deadline of its own, however often bytes trickle in.
        const std::int64_t left_us = conn_.head_deadline_us - monotonic_us();
        if (left_us <= 0) {
            conn_.cut = cut_reason::head_timeout;
            return false;
        }
        timeout_ms = static_cast<int>(std::min<std::int64_t>(timeout_ms, (left_us + 999) / 1000));
    }
    if (wait_for(conn_.fd, POLLIN, timeout_ms, limits_.stop_fd)) {
        return true;
    }
    if (conn_.head_deadline_us != 0 && monotonic_us() >= conn_.head_deadline_us) {
        conn_.cut = cut_reason::head_timeout;
    }
    return false;
}

bool socket_stream::may_write() const {
    return !conn_.suppress_writes && conn_.cut == cut_reason::none && !conn_.evicted.load();
}

bool socket_stream::is_readable() const { return has_buffered() || wait_readable(); }

bool socket_stream::is_writable() const {
    return may_write() && wait_for(conn_.fd, POLLOUT, limits_.write_timeout_ms, limits_.stop_fd);
}

ssize_t socket_stream::read(char* ptr, size_t size) {
    if (conn_.cut != cut_reason::none) {
        return -1;
    }
    if (!has_buffered()) {
        if (!wait_readable()) {
            return -1;
        }
        ssize_t n;
        do {
            n = ::recv(conn_.fd, buffer_.data(), buffer_.size(), 0);
        } while (n < 0 && errno == EINTR);
        if (n <= 0) {
            return n;
        }
        begin_ = 0;
        end_ = static_cast<std::size_t>(n);
    }
    const std::size_t n = std::min(size, end_ - begin_);
    if (conn_.head_deadline_us != 0) {
        conn_.head_bytes += n;
        if (conn_.head_bytes > limits_.max_head_bytes) {
            conn_.cut = cut_reason::head_too_large;
            return -1;
        }
    }
    std::memcpy(ptr, buffer_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
}

ssize_t socket_stream::write(const char* ptr, size_t size) {
    if (!may_write() || !wait_for(conn_.fd, POLLOUT, limits_.write_timeout_ms, limits_.stop_fd)) {
        conn_.write_failed = true;
        return -1;
    }
    ssize_t n;
    conn_.last_send_us = monotonic_us();
    do {
        n = ::send(conn_.fd, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        conn_.write_failed = true;
        return -1;
    }
    conn_.bytes_written += static_cast<std::uint64_t>(n);
    return n;
}

void socket_stream::get_remote_ip_and_port(std::string& ip, int& port) const {
    ip = conn_.remote_addr;
    port = conn_.remote_port;
}

void socket_stream::get_local_ip_and_port(std::string& ip, int& port) const {
    ip = conn_.local_addr;
    port = conn_.local_port;
}

} // namespace mock_api::detail
