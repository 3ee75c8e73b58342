// Blocking network calls: DNS through getaddrinfo (always blocking), and connect / recv / send
// that waited on a socket in blocking mode (an async runtime's sockets are non-blocking, so
// these are a synchronous client used from async code). A socket call is asked about its
// blocking mode only when it was slow (fd_kinds.hpp): a runtime's calls cost a clock read.

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

// A hook on a socket call: reports it when it waited on a blocking socket (`dontwait`:
// MSG_DONTWAIT in its flags, it never waits).
template <class Real, class... Args>
auto socket_hook(const char* name, Real real, int fd, bool dontwait, Args... args) {
    hook_scope scope;
    if (!scope.active() || dontwait || !may_be_async()) {
        return real(args...);
    }
    return socket_call(
        name, fd, [&] { return real(args...); }, [](call_info&) {});
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

TG_HOOK int socket(int domain, int type, int protocol) noexcept {
    const int fd = TG_REAL(socket)(domain, type, protocol);
    remember_socket(fd);
    return fd;
}

TG_HOOK int accept(int fd, sockaddr* addr, socklen_t* len) {
    const int client = TG_REAL(accept)(fd, addr, len);
    remember_socket(client);
    return client;
}

TG_HOOK int accept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
    const int client = TG_REAL(accept4)(fd, addr, len, flags);
    remember_socket(client);
    return client;
}

TG_HOOK int connect(int fd, const sockaddr* addr, socklen_t len) {
    auto real = TG_REAL(connect);
    hook_scope scope;
    const bool inet =
        addr != nullptr && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6);
    if (!scope.active() || !inet || !may_be_async()) {
        return real(fd, addr, len);
    }
    return socket_call(
        "connect",
        fd,
        [&] { return real(fd, addr, len); },
        [&](call_info& info) { describe_address(info, addr); });
}

TG_HOOK ssize_t recv(int fd, void* buf, size_t n, int flags) {
    return socket_hook("recv", TG_REAL(recv), fd, (flags & MSG_DONTWAIT) != 0, fd, buf, n, flags);
}

TG_HOOK ssize_t recvfrom(int fd, void* buf, size_t n, int flags, sockaddr* from, socklen_t* len) {
    return socket_hook("recvfrom",
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
    return socket_hook("send", TG_REAL(send), fd, (flags & MSG_DONTWAIT) != 0, fd, buf, n, flags);
}

TG_HOOK ssize_t
sendto(int fd, const void* buf, size_t n, int flags, const sockaddr* to, socklen_t len) {
    return socket_hook(
        "sendto", TG_REAL(sendto), fd, (flags & MSG_DONTWAIT) != 0, fd, buf, n, flags, to, len);
}
