#include "raw_http.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace test_support {
namespace {

int connect_loopback(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    }
    return fd;
}

void send_all(int fd, const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
        const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n <= 0) {
            throw std::runtime_error("send failed");
        }
        off += static_cast<std::size_t>(n);
    }
}

void read_until_end(int fd, int timeout_ms, raw_reply& reply) {
    const std::int64_t deadline = now_us() + std::int64_t{timeout_ms} * 1000;
    char buf[4096];
    for (;;) {
        const std::int64_t left_ms = (deadline - now_us()) / 1000;
        pollfd p{fd, POLLIN, 0};
        if (left_ms <= 0 || ::poll(&p, 1, static_cast<int>(left_ms)) == 0) {
            reply.timed_out = true;
            break;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            reply.bytes.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) {
            reply.closed = true;
        } else if (errno == ECONNRESET) {
            reply.reset = true;
        } else if (errno == EINTR) {
            continue;
        }
        break;
    }
    reply.done_us = now_us();
}

std::string lower(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

} // namespace

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

int raw_reply::status() const {
    if (bytes.rfind("HTTP/1.1 ", 0) != 0 || bytes.size() < 12) {
        return 0;
    }
    return std::stoi(bytes.substr(9, 3));
}

std::string raw_reply::body() const {
    const auto end = bytes.find("\r\n\r\n");
    return end == std::string::npos ? std::string{} : bytes.substr(end + 4);
}

std::string raw_reply::header(const std::string& name) const {
    const std::string head = lower(bytes.substr(0, bytes.find("\r\n\r\n")));
    const std::string key = "\r\n" + lower(name) + ":";
    const auto at = head.find(key);
    if (at == std::string::npos) {
        return {};
    }
    const auto start = head.find_first_not_of(' ', at + key.size());
    const auto end = head.find("\r\n", start);
    return bytes.substr(start, end - start);
}

raw_reply raw_exchange(int port, const std::string& raw_request, int timeout_ms) {
    const int fd = connect_loopback(port);
    raw_reply reply;
    reply.sent_us = now_us();
    send_all(fd, raw_request);
    read_until_end(fd, timeout_ms, reply);
    ::close(fd);
    return reply;
}

raw_reply raw_get(int port, const std::string& path, int timeout_ms) {
    return raw_exchange(port,
                        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                        timeout_ms);
}

open_connection::open_connection(int port, const std::string& raw_request)
    : fd_(connect_loopback(port)) {
    send_all(fd_, raw_request);
}

open_connection::~open_connection() { close(); }

raw_reply open_connection::read_for(int timeout_ms) {
    raw_reply reply;
    reply.sent_us = now_us();
    read_until_end(fd_, timeout_ms, reply);
    return reply;
}

void open_connection::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

} // namespace test_support
