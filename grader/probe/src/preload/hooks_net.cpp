// Blocking network calls: DNS through getaddrinfo (always blocking), and connect / recv / send
// on sockets in blocking mode (an async runtime's sockets are non-blocking, so these are a
// synchronous client used from async code).

#include "hooks.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>

using namespace tg::probe;

namespace {

void describe_address(call_info& info, const sockaddr* addr) noexcept {
    char text[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (addr->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        port = ntohs(in->sin_port);
    } else {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        port = ntohs(in6->sin6_port);
    }
    info.text(" addr=").text(text).text(":").number(port);
}

// A hook on a socket call: reports it when the socket blocks and the call may not return at
// once (`dontwait`: MSG_DONTWAIT in its flags).
template <class Real, class... Args>
auto socket_call(const char* name, Real real, int fd, bool dontwait, Args... args) {
    hook_scope scope;
    if (!scope.active() || dontwait || !may_be_async() || !is_blocking_socket(fd)) {
        return real(args...);
    }
    return timed_report(
        name,
        [&] { return real(args...); },
        [&](call_info& info) { info.text("fd=").number(fd).text(" blocking socket"); });
}

} // namespace

TG_HOOK int
getaddrinfo(const char* node, const char* service, const addrinfo* hints, addrinfo** res) {
    auto real = TG_REAL(getaddrinfo);
    hook_scope scope;
    if (!scope.active() || !may_be_async()) {
        return real(node, service, hints, res);
    }
    return timed_report(
        "getaddrinfo",
        [&] { return real(node, service, hints, res); },
        [&](call_info& info) { info.text("host=").text(node != nullptr ? node : "(null)"); });
}

TG_HOOK int connect(int fd, const sockaddr* addr, socklen_t len) {
    auto real = TG_REAL(connect);
    hook_scope scope;
    const bool inet =
        addr != nullptr && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6);
    if (!scope.active() || !inet || !may_be_async() || !is_blocking_socket(fd)) {
        return real(fd, addr, len);
    }
    return timed_report(
        "connect",
        [&] { return real(fd, addr, len); },
        [&](call_info& info) {
            info.text("fd=").number(fd).text(" blocking socket");
            describe_address(info, addr);
        });
}

TG_HOOK ssize_t recv(int fd, void* buf, size_t n, int flags) {
    return socket_call("recv", TG_REAL(recv), fd, (flags & MSG_DONTWAIT) != 0, fd, buf, n, flags);
}

TG_HOOK ssize_t recvfrom(int fd, void* buf, size_t n, int flags, sockaddr* from, socklen_t* len) {
    return socket_call("recvfrom",
                       TG_REAL(recvfrom),
                       fd,
                       (flags & MSG_DONTWAIT) != 0,
                       fd,
                       buf,
                       n,
                       flags,
                       from,
                       len);
}

TG_HOOK ssize_t send(int fd, const void* buf, size_t n, int flags) {
    return socket_call("send", TG_REAL(send), fd, (flags & MSG_DONTWAIT) != 0, fd, buf, n, flags);
}

TG_HOOK ssize_t
sendto(int fd, const void* buf, size_t n, int flags, const sockaddr* to, socklen_t len) {
    return socket_call(
        "sendto", TG_REAL(sendto), fd, (flags & MSG_DONTWAIT) != 0, fd, buf, n, flags, to, len);
}

namespace tg::probe {

bool is_blocking_socket(int fd) noexcept {
    const long flags = raw_syscall(SYS_fcntl, fd, F_GETFL);
    return flags >= 0 && (flags & O_NONBLOCK) == 0;
}

fd_kind kind_of_fd(int fd) noexcept {
    struct stat st {};
    if (fd <= 2 || is_log_fd(fd) || raw_syscall(SYS_fstat, fd, &st) != 0) {
        return fd_kind::other;
    }
    if (S_ISREG(st.st_mode)) {
        return fd_kind::regular_file;
    }
    return S_ISSOCK(st.st_mode) && is_blocking_socket(fd) ? fd_kind::blocking_socket
                                                          : fd_kind::other;
}

} // namespace tg::probe
