#include "../mock_api/server_fixture.hpp"
#include "runtime/block_on.hpp"
#include "runtime/join_all.hpp"
#include "runtime/multi_thread_runtime.hpp"
#include "runtime/net/http_client.hpp"
#include "runtime/net/json.hpp"
#include "runtime/net/readiness.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/net/url.hpp"
#include "runtime/sleep.hpp"
#include "runtime/spawn.hpp"
#include "runtime/timeout.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;
using rt::net::http_error_kind;
using rt::net::http_result;

namespace {

// One job per fault; every id's detail endpoint misbehaves in its own way.
const char* const fault_scenario = R"(name: net-faults
jobs:
  list:
    - {id: 1, name: a, status: completed, owner: ana, duration_ms: 10}
    - {id: 2, name: b, status: completed, owner: bo, duration_ms: 20}
    - {id: 3, name: c, status: completed, owner: chen, duration_ms: 30}
    - {id: 4, name: d, status: completed, owner: dara, duration_ms: 40}
    - {id: 5, name: e, status: completed, owner: eli, duration_ms: 50}
    - {id: 6, name: f, status: completed, owner: fay, duration_ms: 60}
    - {id: 7, name: g, status: completed, owner: gus, duration_ms: 70}
    - {id: 8, name: h, status: completed, owner: hal, duration_ms: 80}
    - {id: 9, name: i, status: completed, owner: ivy, duration_ms: 90}
faults:
  detail:
    - {ids: [2], kind: status, status: 503}
    - {ids: [3], kind: malformed}
    - {ids: [4], kind: truncated}
    - {ids: [5], kind: empty_reply}
    - {ids: [6], kind: reset}
    - {ids: [7], kind: hang}
    - {ids: [8], kind: drip, chunk_bytes: 16, interval_ms: 5}
    - {ids: [9], kind: rate_limit, attempts: 1, retry_after_s: 1}
)";

using mock_server = test_support::running_server;

http_result fetch(const std::string& url, std::chrono::milliseconds timeout = 2000ms) {
    rt::net::http_client client;
    return rt::block_on(client.get(url, timeout));
}

rt::task<std::vector<http_result>> fetch_twice(rt::net::http_client& client, std::string url) {
    std::vector<http_result> out;
    out.push_back(co_await client.get(url, 2000ms));
    out.push_back(co_await client.get(url, 2000ms));
    co_return out;
}

rt::task<http_result> fetch_one(rt::net::http_client& client, std::string url) {
    co_return co_await client.get(std::move(url), 5000ms);
}

/// A raw TCP server on 127.0.0.1 for what mock_api cannot send: for each canned reply in
/// turn it accepts a connection, reads the request head, writes the reply and closes.
class raw_server {
  public:
    explicit raw_server(std::vector<std::string> replies) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        auto* raw = reinterpret_cast<sockaddr*>(&addr);
        socklen_t len = sizeof addr;
        REQUIRE(::bind(listen_fd_, raw, len) == 0);
        REQUIRE(::listen(listen_fd_, 8) == 0);
        REQUIRE(::getsockname(listen_fd_, raw, &len) == 0);
        url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
        thread_ = std::thread([this, replies = std::move(replies)] { serve(replies); });
    }
    ~raw_server() {
        thread_.join();
        ::close(listen_fd_);
    }
    raw_server(const raw_server&) = delete;
    raw_server& operator=(const raw_server&) = delete;
    std::string url;

  private:
    void serve(const std::vector<std::string>& replies) const {
        for (const auto& reply : replies) {
            int fd = ::accept(listen_fd_, nullptr, nullptr);
            std::string head;
            char c = 0;
            while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd, &c, 1, 0) == 1) {
                head.push_back(c);
            }
            [[maybe_unused]] auto n = ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
            ::shutdown(fd, SHUT_WR);
            while (::recv(fd, &c, 1, 0) > 0) { // wait for the client's close: a clean FIN
            }
            ::close(fd);
        }
    }
    int listen_fd_ = -1;
    std::thread thread_;
};

} // namespace

TEST_CASE("parse_url accepts ipv4 and localhost urls and rejects the rest", "[runtime][net]") {
    auto u = rt::net::parse_url("http://127.0.0.1:8080/jobs/7?x=1");
    REQUIRE(u.ok());
    CHECK(u.value().host == "127.0.0.1");
    CHECK(u.value().port == 8080);
    CHECK(u.value().target == "/jobs/7?x=1");
    auto local = rt::net::parse_url("http://localhost");
    REQUIRE(local.ok());
    CHECK(local.value().connect_ip() == "127.0.0.1");
    CHECK(local.value().port == 80);
    CHECK(local.value().target == "/");
    CHECK_FALSE(rt::net::parse_url("https://127.0.0.1/").ok());
    CHECK_FALSE(rt::net::parse_url("http://example.com/").ok());
    CHECK_FALSE(rt::net::parse_url("http://127.0.0.1:99999/").ok());
    CHECK_FALSE(rt::net::parse_url("http://127.0.0.1:/").ok());
}

TEST_CASE("http client gets a 200 with the body", "[runtime][net]") {
    mock_server m(fault_scenario);
    auto r = fetch(m.address().url + "/jobs/1");
    REQUIRE(r.ok());
    CHECK(r.response().status == 200);
    CHECK(r.response().body.find("\"owner\"") != std::string::npos);
    CHECK(r.response().header("content-type").value_or("").find("json") != std::string::npos);
}

TEST_CASE("http client delivers an error status as a response", "[runtime][net]") {
    mock_server m(fault_scenario);
    auto r = fetch(m.address().url + "/jobs/2");
    REQUIRE(r.ok());
    CHECK(r.response().status == 503);
    CHECK(r.response().body.find("injected status 503") != std::string::npos);
}

TEST_CASE("http client delivers a malformed json body as a 200", "[runtime][net]") {
    mock_server m(fault_scenario);
    auto r = fetch(m.address().url + "/jobs/3");
    REQUIRE(r.ok());
    CHECK(r.response().status == 200);
    CHECK(r.response().body.find(",,}") != std::string::npos);
}

TEST_CASE("http client reports a truncated body as closed", "[runtime][net]") {
    mock_server m(fault_scenario);
    auto r = fetch(m.address().url + "/jobs/4");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == http_error_kind::closed);
    CHECK(r.error().message.find("/jobs/4") != std::string::npos);
}

TEST_CASE("http client reports an empty reply as closed", "[runtime][net]") {
    mock_server m(fault_scenario);
    auto r = fetch(m.address().url + "/jobs/5");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == http_error_kind::closed);
}

TEST_CASE("http client reports a tcp reset as reset", "[runtime][net]") {
    mock_server m(fault_scenario);
    auto r = fetch(m.address().url + "/jobs/6");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == http_error_kind::reset);
}

TEST_CASE("http client times out a hanging request within its timeout", "[runtime][net]") {
    mock_server m(fault_scenario);
    auto start = std::chrono::steady_clock::now();
    auto r = fetch(m.address().url + "/jobs/7", 300ms);
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == http_error_kind::timeout);
    CHECK(took >= 300ms);
    CHECK(took < 3s);
}

TEST_CASE("a request cancelled by rt::timeout closes its connection at once",
          "[runtime][net][cancel]") {
    mock_server m(fault_scenario);
    // Everything is checked while the runtime still runs: its shutdown would close the socket
    // anyway, cancelled or not.
    auto seen = rt::block_on([](const mock_server& server) -> rt::task<std::string> {
        rt::net::http_client client;
        // The request's own timeout is far away: only the cancellation can end it early.
        auto r = co_await rt::timeout(200ms, client.get(server.address().url + "/jobs/7", 20000ms));
        if (!r.is_timed_out()) {
            co_return "not timed out";
        }
        for (int i = 0; i < 500; ++i) { // up to 5 s
            auto journal = server.journal();
            if (journal.entries.size() == 1 && journal.entries[0].finished_us != 0) {
                co_return journal.entries[0].path + " " + journal.entries[0].outcome;
            }
            co_await rt::sleep_for(10ms);
        }
        co_return "still open";
    }(m));
    CHECK(seen == "/jobs/7 client_closed");
}

TEST_CASE("http client assembles a dripped body", "[runtime][net]") {
    mock_server m(fault_scenario);
    auto dripped = fetch(m.address().url + "/jobs/8");
    REQUIRE(dripped.ok());
    CHECK(dripped.response().status == 200);
    CHECK(dripped.response().body.find("\"hal\"") != std::string::npos);
    CHECK(dripped.response().body.back() == '}');
}

TEST_CASE("http client shows 429 with its retry-after header", "[runtime][net]") {
    mock_server m(fault_scenario);
    auto r = fetch(m.address().url + "/jobs/9");
    REQUIRE(r.ok());
    CHECK(r.response().status == 429);
    CHECK(r.response().header("Retry-After") == std::optional<std::string>("1"));
}

TEST_CASE("http client reports a refused connection as connect", "[runtime][net]") {
    // Bind a port, then close it without listening: connecting there is refused.
    std::string url;
    {
        mock_server m(fault_scenario);
        url = m.address().url;
        m.server().stop();
    }
    auto r = fetch(url + "/jobs/1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == http_error_kind::connect);
}

TEST_CASE("http client reuses a keep-alive connection", "[runtime][net]") {
    mock_server m(fault_scenario);
    rt::net::http_client client;
    auto results = rt::block_on(fetch_twice(client, m.address().url + "/jobs/1"));
    REQUIRE(results.size() == 2);
    REQUIRE(results[0].ok());
    REQUIRE(results[1].ok());
    CHECK(client.idle_connections() == 1);
    auto journal = m.server().journal();
    REQUIRE(journal.entries.size() == 2);
    CHECK(journal.entries[0].connection == journal.entries[1].connection);
    CHECK(journal.connections_accepted == 1);
}

TEST_CASE("http client drops a connection after an error", "[runtime][net]") {
    mock_server m(fault_scenario);
    rt::net::http_client client;
    auto r = rt::block_on(client.get(m.address().url + "/jobs/7", 100ms));
    CHECK_FALSE(r.ok());
    CHECK(client.idle_connections() == 0);
}

TEST_CASE("http client runs 100 concurrent gets on the multi-thread runtime", "[runtime][net]") {
    mock_server m(R"(name: net-fanout
jobs:
  count: 100
latency:
  list_ms: 50
)");
    rt::net::http_client client;
    std::vector<rt::task<http_result>> gets;
    for (int i = 0; i < 100; ++i) {
        gets.push_back(fetch_one(client, m.address().url + "/jobs"));
    }
    rt::multi_thread_runtime runtime(4);
    auto start = std::chrono::steady_clock::now();
    auto results = runtime.block_on(rt::join_all(std::move(gets)));
    // Sequential would take 100 x 50 ms; overlapping requests take a small multiple of 50 ms.
    CHECK(std::chrono::steady_clock::now() - start < 2500ms);
    int ok = 0;
    for (auto& r : results) {
        ok += r.ok() && r.response().status == 200 ? 1 : 0;
    }
    CHECK(ok == 100);
    auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count();
    CHECK(mock_api::peak_in_flight(m.server().journal().entries, now_us) > 1);
}

namespace {
rt::task<rt::reactor::fd_event> wait_on(int fd, std::chrono::milliseconds limit) {
    co_return co_await rt::net::wait_readable(fd, std::chrono::steady_clock::now() + limit);
}
} // namespace

TEST_CASE("fd wait times out when nothing arrives and unregisters", "[runtime][net]") {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    rt::current_thread_runtime runtime;
    CHECK(runtime.block_on(wait_on(fds[0], 20ms)) == rt::reactor::fd_event::timed_out);
    CHECK(runtime.io().pending_watches() == 0);
    CHECK(runtime.io().pending_timers() == 0);
    ::close(fds[1]); // a hang-up counts as ready
    CHECK(runtime.block_on(wait_on(fds[0], 5000ms)) == rt::reactor::fd_event::ready);
    CHECK(runtime.io().pending_watches() == 0);
    CHECK(runtime.io().pending_timers() == 0);
    ::close(fds[0]);
}

namespace {
rt::task<void> wait_forever(int fd) { co_await rt::net::wait_readable(fd); }
rt::task<std::size_t> watches_after_a_moment(rt::runtime& runtime) {
    co_await rt::sleep_for(20ms);
    co_return runtime.io().pending_watches();
}
} // namespace

TEST_CASE("fd wait unregisters when its frame is destroyed while parked", "[runtime][net]") {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    {
        rt::current_thread_runtime runtime;
        runtime.block_on([](int fd) -> rt::task<void> {
            rt::spawn(wait_forever(fd)).detach();
            co_return;
        }(fds[0]));
        CHECK(runtime.block_on(watches_after_a_moment(runtime)) == 1);
    } // destroys the parked frame: its awaitable must unwatch (ASan/TSan would see a dangling
      // registration otherwise)
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST_CASE("http client reports bytes that are not http as malformed", "[runtime][net]") {
    raw_server raw({"HELLO this is not http\r\n\r\n"});
    auto r = fetch(raw.url + "/");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == http_error_kind::malformed);
}

TEST_CASE("http client replaces a pooled connection the server has closed", "[runtime][net]") {
    const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    raw_server raw({ok, ok});
    rt::net::http_client client;
    auto first = rt::block_on(client.get(raw.url + "/", 2000ms));
    REQUIRE(first.ok());
    CHECK(client.idle_connections() == 1); // kept: HTTP/1.1 defaults to keep-alive
    auto second = rt::block_on(client.get(raw.url + "/", 2000ms));
    REQUIRE(second.ok());
    CHECK(second.response().body == "hi");
}

TEST_CASE("http client reports an invalid url as a value", "[runtime][net]") {
    auto r = fetch("https://127.0.0.1/");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == http_error_kind::invalid_url);
}

TEST_CASE("http client request may outlive its client", "[runtime][net]") {
    mock_server m(fault_scenario);
    auto client = std::make_unique<rt::net::http_client>();
    auto request = client->get(m.address().url + "/jobs/1", 2000ms);
    client.reset();
    auto r = rt::block_on(std::move(request));
    REQUIRE(r.ok());
    CHECK(r.response().status == 200);
}

namespace {

rt::task<std::vector<rt::net::json_result>> get_json_each(std::string base, std::vector<int> ids) {
    rt::net::http_client client;
    std::vector<rt::task<rt::net::json_result>> requests;
    for (const int id : ids) {
        requests.push_back(rt::net::get_json(client, base + "/jobs/" + std::to_string(id), 2000ms));
    }
    co_return co_await rt::join_all(std::move(requests));
}

} // namespace

TEST_CASE("get_json parses a 200 and reports status, bad bodies and failed requests as values",
          "[runtime][net][json]") {
    mock_server m(fault_scenario);
    auto got = rt::block_on(get_json_each(m.address().url, {1, 2, 3, 4}));
    REQUIRE(got.size() == 4);
    REQUIRE(got[0].ok());
    CHECK(got[0].value()["owner"] == "ana");
    CHECK(got[0].value()["duration_ms"] == 10);
    REQUIRE_FALSE(got[1].ok());
    CHECK(got[1].error().kind == rt::net::json_error_kind::status);
    CHECK(got[1].error().status == 503);
    CHECK(got[1].error().message == "status 503");
    REQUIRE_FALSE(got[2].ok());
    CHECK(got[2].error().kind == rt::net::json_error_kind::body);
    CHECK(got[2].error().status == 200);
    REQUIRE_FALSE(got[3].ok()); // truncated: the connection closed mid-body
    CHECK(got[3].error().kind == rt::net::json_error_kind::request);
    CHECK(got[3].error().message.find("closed") != std::string::npos);
}

namespace {

// Connects `count` times to `port` in turn with a 300 ms deadline each; the error codes.
rt::task<std::vector<rt::net::net_error>>
connect_each(std::uint16_t port, int count, std::vector<rt::net::tcp_stream>& keep) {
    std::vector<rt::net::net_error> codes;
    for (int i = 0; i < count; ++i) {
        auto s = co_await rt::net::tcp_stream::connect(
            "127.0.0.1", port, rt::reactor::clock::now() + 300ms);
        if (s.ok()) {
            keep.push_back(std::move(s).value());
        } else {
            codes.push_back(s.failure().code);
        }
    }
    co_return codes;
}

} // namespace

TEST_CASE("a connect the server never completes times out at its deadline", "[runtime][net]") {
    // A listener that never accepts, with the smallest backlog: once its queue is full the
    // kernel drops further SYNs, so those connects stay in progress (the reactor's slow path).
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto* raw = reinterpret_cast<sockaddr*>(&addr);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(listener, raw, len) == 0);
    REQUIRE(::listen(listener, 0) == 0);
    REQUIRE(::getsockname(listener, raw, &len) == 0);
    std::vector<rt::net::tcp_stream> keep;
    const auto codes = rt::block_on(connect_each(ntohs(addr.sin_port), 6, keep));
    ::close(listener);
    REQUIRE_FALSE(codes.empty());
    for (const auto code : codes) {
        CHECK(code == rt::net::net_error::timed_out);
    }
}
