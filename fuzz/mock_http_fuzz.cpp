// fuzz_mock_http: raw bytes as one client connection to a running mock_api::server on
// 127.0.0.1 (the path a candidate's program takes). Each input is sent whole, the client
// half-closes, and the server must then end the connection within a few seconds, with
// nothing or an HTTP/1.1 response, whatever the bytes were; it must keep its journal within
// its cap and writable as JSON. The scenario has every fault kind (short ones), so routing
// reaches each; the admin endpoints are off, as in graded runs.
//
// cpp-httplib's parser is Debian's shared library, built without coverage instrumentation:
// the fuzzer is guided by the mock's own code (routing, faults, the stream, the journal) and
// by the HTTP dictionary, not by httplib's branches.

#include "fuzz_support.hpp"
#include "mock_api/server.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr std::size_t journal_cap = 512;
constexpr int end_within_ms = 5000; // the server's own timeouts are 5 s; nothing waits longer

// The server every input talks to, started once per process and stopped at exit.
struct fuzz_server {
    std::unique_ptr<mock_api::server> server;
    int port = 0;
};

const fuzz_server& running_server() {
    static const fuzz_server srv = [] {
        auto parsed = mock_api::parse_scenario(R"(
name: fuzz-http
jobs:
  list:
    - {id: 1, name: a, status: completed, owner: ana, duration_ms: 1}
    - {id: 2, name: b, status: running, owner: bo, duration_ms: 2}
    - {id: 3, name: c, status: completed, owner: chen, duration_ms: 3}
    - {id: 4, name: d, status: completed, owner: dara, duration_ms: 4}
    - {id: 5, name: e, status: completed, owner: eli, duration_ms: 5}
    - {id: 6, name: f, status: completed, owner: gus, duration_ms: 6}
    - {id: 7, name: g, status: completed, owner: hana, duration_ms: 7}
    - {id: 8, name: h, status: completed, owner: ana, duration_ms: 8}
    - {id: 9, name: i, status: completed, owner: bo, duration_ms: 9}
faults:
  detail:
    - {ids: [2], kind: status, status: 503}
    - {ids: [3], kind: malformed}
    - {ids: [4], kind: truncated}
    - {ids: [5], kind: empty_reply}
    - {ids: [6], kind: reset}
    - {ids: [7], kind: hang}
    - {ids: [8], kind: drip, chunk_bytes: 32, interval_ms: 0}
    - {ids: [9], kind: rate_limit, attempts: 2}
limits: {journal_max_entries: 512}
)",
                                               "fuzz-http.yaml");
        if (!parsed) {
            fuzz::fail("the http target's scenario does not load", parsed.err().message);
        }
        fuzz_server s;
        // As in graded runs (--no-admin): the admin endpoints are not the candidate's to
        // reach, and under ASan each journal dump costs tens of ms (70 runs/s instead of ~1000).
        mock_api::server_options options;
        options.admin = false;
        s.server = std::make_unique<mock_api::server>(parsed.value(), options);
        auto bound = s.server->start();
        if (!bound) {
            fuzz::fail("the mock does not start", bound.err().message);
        }
        s.port = bound.value().port;
        return s;
    }();
    return srv;
}

struct connection {
    int fd = -1;
    ~connection() {
        if (fd >= 0) {
            // An abortive close: thousands of connections a second would otherwise fill the
            // ephemeral port range with TIME_WAIT sockets.
            const linger abort_now{1, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_now, sizeof abort_now);
            ::close(fd);
        }
    }
};

int connect_to(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0) {
        fuzz::fail("cannot make a socket", std::strerror(errno));
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        // libFuzzer's SIGALRM (-timeout) can interrupt connect(); the connection then goes on
        // in the background and must be waited for, not started again.
        pollfd p{fd, POLLOUT, 0};
        int error = errno;
        socklen_t len = sizeof error;
        if (error == EINTR) {
            while (::poll(&p, 1, end_within_ms) < 0 && errno == EINTR) {
            }
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
        }
        if (error != 0) {
            fuzz::fail("cannot connect to the mock", std::strerror(error));
        }
    }
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    return fd;
}

// Sends everything; false if the server closed first (it may: a 400, a fault ending the
// connection), which is fine.
bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Reads until the server ends the connection; fails the run if it does not in time.
std::string read_until_end(int fd) {
    std::string got;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(end_within_ms);
    char buf[16384];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        const int rc = ::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count())));
        if (rc == 0) {
            fuzz::fail("the mock did not end a half-closed connection in time", got);
        }
        if (rc < 0 && errno == EINTR) {
            continue;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return got; // FIN or RST (the reset fault)
        }
        got.append(buf, static_cast<std::size_t>(n));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fuzz_server& srv = running_server();
    {
        connection c{connect_to(srv.port)};
        if (send_all(c.fd, fuzz::text_of(data, size))) {
            ::shutdown(c.fd, SHUT_WR);
        }
        const std::string reply = read_until_end(c.fd);
        if (!reply.empty() && reply.rfind("HTTP/1.1 ", 0) != 0) {
            fuzz::fail("the mock sent something other than an HTTP/1.1 response", reply);
        }
    }
    // A snapshot copies the whole journal: checking every run would halve the run rate.
    static std::size_t runs = 0;
    if (++runs % 256 == 1) {
        const auto journal = srv.server->journal();
        if (journal.entries.size() > journal_cap) {
            fuzz::fail("the journal grew past its cap", std::to_string(journal.entries.size()));
        }
        (void)journal.to_json().dump(); // what the mock writes at exit: must not throw
    }
    return 0;
}
