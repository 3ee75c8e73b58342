// reactor::register_fd: an fd registered for good (edge-triggered), whose edges either fire the
// watch waiting for them or wait as a token for the next one. What tcp_stream is built on.

#include "runtime/reactor.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <sys/socket.h>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {
using rt::reactor;

/// A connected pair of non-blocking stream sockets, closed at the end of the scope.
struct socket_pair {
    int a = -1;
    int b = -1;
    socket_pair() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
        a = fds[0];
        b = fds[1];
    }
    ~socket_pair() {
        ::close(a);
        ::close(b);
    }
    socket_pair(const socket_pair&) = delete;
    socket_pair& operator=(const socket_pair&) = delete;
    void send_byte() const { REQUIRE(::write(b, "x", 1) == 1); }
    void drain() const {
        char buffer[64];
        while (::read(a, buffer, sizeof buffer) > 0) {
        }
    }
};

/// Watches `fd` for `interest`; counts how it fired into `ready` / `timed_out`.
reactor::watch_id
watch(reactor& r, int fd, reactor::fd_interest interest, int& ready, int& timed_out) {
    const auto id = r.make_watch_id();
    r.watch(id, fd, interest, std::nullopt, [&](reactor::fd_event e) {
        ++(e == reactor::fd_event::ready ? ready : timed_out);
    });
    return id;
}
} // namespace

TEST_CASE("a registered fd's edge fires the watch that waits for it", "[runtime][reactor]") {
    reactor r;
    socket_pair p;
    r.register_fd(p.a);
    int ready = 0;
    int timed_out = 0;
    for (int round = 1; round <= 3; ++round) { // the registration serves one watch after another
        watch(r, p.a, reactor::fd_interest::readable, ready, timed_out);
        r.poll(0ms);
        CHECK(ready == round - 1); // nothing to read yet
        p.send_byte();
        r.poll(1s);
        CHECK(ready == round);
        CHECK(r.pending_watches() == 0);
        CHECK_FALSE(r.take_token(p.a, reactor::fd_interest::readable)); // the watch took it
        p.drain();
    }
    CHECK(timed_out == 0);
    r.forget(p.a);
}

TEST_CASE("an edge no watch waited for is kept for the next one", "[runtime][reactor]") {
    reactor r;
    socket_pair p;
    r.register_fd(p.a);
    p.send_byte();
    r.poll(1s); // the edge arrives with no watch
    CHECK(r.take_token(p.a, reactor::fd_interest::readable));
    CHECK_FALSE(r.take_token(p.a, reactor::fd_interest::readable)); // one token per edge

    p.send_byte();
    r.poll(1s);
    int ready = 0;
    int timed_out = 0;
    watch(r, p.a, reactor::fd_interest::readable, ready, timed_out);
    CHECK(ready == 1); // fired at once, on this thread: no poll needed
    CHECK(r.pending_watches() == 0);
    r.forget(p.a);
}

TEST_CASE("a writable watch on a registered fd adds writable edges", "[runtime][reactor]") {
    reactor r;
    socket_pair p;
    r.register_fd(p.a);
    r.poll(0ms);
    // Registered for readable edges only: a writable socket leaves no token behind.
    CHECK_FALSE(r.take_token(p.a, reactor::fd_interest::writable));
    int ready = 0;
    int timed_out = 0;
    watch(r, p.a, reactor::fd_interest::writable, ready, timed_out);
    r.poll(1s); // the socket is writable: the edge comes as EPOLLOUT is added
    CHECK(ready == 1);
    r.forget(p.a);
}

TEST_CASE("a forgotten fd's number can be registered again once closed", "[runtime][reactor]") {
    reactor r;
    int number = -1;
    {
        socket_pair p;
        r.register_fd(p.a);
        r.register_fd(p.a); // again: starts afresh
        int ready = 0;
        int timed_out = 0;
        const auto id = watch(r, p.a, reactor::fd_interest::readable, ready, timed_out);
        CHECK_THROWS_AS(r.register_fd(p.a), std::logic_error); // not under a watch
        CHECK(r.unwatch(id));
        number = p.a;
        r.forget(p.a);
    }
    socket_pair q; // the lowest free numbers again: usually the same ones
    INFO("old fd " << number << ", new fd " << q.a);
    r.register_fd(q.a);
    int ready = 0;
    int timed_out = 0;
    watch(r, q.a, reactor::fd_interest::readable, ready, timed_out);
    q.send_byte();
    r.poll(1s);
    CHECK(ready == 1);
    r.forget(q.a);
}
