#include "runtime/net/tcp.hpp"

#include "runtime/net/readiness.hpp"
#include "runtime/runtime.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace rt::net {

namespace {

error system_failure(net_error code, const std::string& what, int err) {
    return error{code, what + ": " + std::strerror(err)};
}

// Maps an errno from recv/send to a net_error.
net_error classify_io(int err) {
    return err == ECONNRESET || err == EPIPE ? net_error::reset : net_error::io;
}

result<int> open_socket() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return system_failure(net_error::connect_failed, "socket", errno);
    }
    int one = 1;
    // Requests are small single writes; Nagle would hold them for the peer's delayed ACK.
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

} // namespace

tcp_stream::tcp_stream(tcp_stream&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), reactor_(std::exchange(other.reactor_, nullptr)),
      reactor_alive_(std::move(other.reactor_alive_)),
      awaiting_answer_(std::exchange(other.awaiting_answer_, false)) {}

tcp_stream& tcp_stream::operator=(tcp_stream&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        reactor_ = std::exchange(other.reactor_, nullptr);
        reactor_alive_ = std::move(other.reactor_alive_);
        awaiting_answer_ = std::exchange(other.awaiting_answer_, false);
    }
    return *this;
}

tcp_stream::~tcp_stream() { close(); }

void tcp_stream::close() noexcept {
    if (fd_ >= 0) {
        forget_registration();
        ::close(std::exchange(fd_, -1));
    }
}

std::optional<error> tcp_stream::register_here() {
    runtime* rt = current_runtime();
    if (rt == nullptr) {
        return error{net_error::io, "rt::net::tcp_stream used outside a runtime"};
    }
    if (reactor_ == &rt->io() && reactor_alive_ && reactor_alive_->load()) {
        return std::nullopt;
    }
    forget_registration(); // registered with another runtime's reactor (a pooled connection)
    try {
        rt->io().register_fd(fd_);
    } catch (const std::exception& e) {
        return error{net_error::io, std::string("register with the reactor: ") + e.what()};
    }
    reactor_ = &rt->io();
    reactor_alive_ = rt->io().alive();
    return std::nullopt;
}

void tcp_stream::forget_registration() noexcept {
    if (reactor_ != nullptr && reactor_alive_->load()) {
        reactor_->forget(fd_);
    }
    reactor_ = nullptr;
    reactor_alive_.reset();
}

task<result<tcp_stream>>
tcp_stream::connect(std::string host_ip, std::uint16_t port, time_point deadline) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    const std::string peer = host_ip + ":" + std::to_string(port);
    if (::inet_pton(AF_INET, host_ip.c_str(), &addr.sin_addr) != 1) {
        co_return error{net_error::invalid_argument, "not a numeric ipv4 address: " + host_ip};
    }
    auto fd = open_socket();
    if (!fd) {
        co_return fd.failure();
    }
    tcp_stream stream(fd.value()); // closes the socket on every failure path below
    const auto* to = reinterpret_cast<const sockaddr*>(&addr);
    if (::connect(stream.fd_, to, sizeof addr) != 0) {
        if (errno != EINPROGRESS) {
            co_return system_failure(net_error::connect_failed, "connect " + peer, errno);
        }
        // On loopback the handshake has usually finished by now. Asking connect() again says
        // so (0), or that it is still going (EALREADY), or why it failed: one system call,
        // where poll() + getsockopt(SO_ERROR) took two and waiting took a reactor round trip.
        for (;;) {
            if (::connect(stream.fd_, to, sizeof addr) == 0 || errno == EISCONN) {
                break;
            }
            if (errno != EALREADY && errno != EINPROGRESS && errno != EINTR) {
                co_return system_failure(net_error::connect_failed, "connect " + peer, errno);
            }
            if (auto failed = stream.register_here()) {
                co_return *failed;
            }
            if (co_await wait_writable(stream.fd_, deadline) == reactor::fd_event::timed_out) {
                co_return error{net_error::timed_out, "connect " + peer + ": timed out"};
            }
        }
    }
    if (auto failed = stream.register_here()) {
        co_return *failed;
    }
    co_return std::move(stream);
}

task<result<std::size_t>> tcp_stream::read_some(std::span<char> buffer, time_point deadline) {
    for (;;) {
        if (fd_ < 0) {
            co_return error{net_error::closed, "read: stream is closed"};
        }
        if (std::exchange(awaiting_answer_, false)) {
            if (auto failed = register_here()) {
                co_return *failed;
            }
            if (co_await wait_readable(fd_, deadline) == reactor::fd_event::timed_out) {
                co_return error{net_error::timed_out, "read: timed out"};
            }
        }
        ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
        if (n >= 0) {
            co_return static_cast<std::size_t>(n);
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            co_return system_failure(classify_io(errno), "read", errno);
        }
        if (auto failed = register_here()) {
            co_return *failed;
        }
        if (co_await wait_readable(fd_, deadline) == reactor::fd_event::timed_out) {
            co_return error{net_error::timed_out, "read: timed out"};
        }
    }
}

task<result<>> tcp_stream::write_all(std::span<const char> bytes, time_point deadline) {
    while (!bytes.empty()) {
        if (fd_ < 0) {
            co_return error{net_error::closed, "write: stream is closed"};
        }
        // MSG_NOSIGNAL: a peer that is gone must be an EPIPE value, not a SIGPIPE.
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n >= 0) {
            bytes = bytes.subspan(static_cast<std::size_t>(n));
            continue;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            co_return system_failure(classify_io(errno), "write", errno);
        }
        if (auto failed = register_here()) {
            co_return *failed;
        }
        if (co_await wait_writable(fd_, deadline) == reactor::fd_event::timed_out) {
            co_return error{net_error::timed_out, "write: timed out"};
        }
    }
    awaiting_answer_ = true;
    co_return std::monostate{};
}

bool tcp_stream::idle_and_alive() const noexcept {
    if (fd_ < 0) {
        return false;
    }
    char byte = 0;
    ssize_t n = ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    // -1/EAGAIN: nothing to read and no FIN, the only state in which reuse is safe.
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

} // namespace rt::net
