// The mock must never be the bottleneck it measures: delayed requests overlap fully, and a
// hostile client (slow or stalled request heads, floods of connections, oversized heads) only
// ever costs itself: the server stays bounded and keeps serving (mock_api/README.md, "A
// hostile client"). Evidence is the server's own: its journal and counters.

#include "raw_http.hpp"
#include "server_fixture.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <fstream>
#include <httplib.h>
#include <latch>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

// The latency is far longer than any plausible start-up skew between the client threads: at
// 200 ms, one of 256 threads on a loaded 2-core machine once started after another's answer
// had gone out, and the peak was 255. What the test proves is unchanged: every request is in
// flight at one instant, so the mock serialises nothing.
TEST_CASE("256 concurrent clients against 1 s latency are all in flight at once",
          "[mock_api][server][concurrency]") {
    constexpr int clients = 256;
    test_support::running_server srv(
        "name: wide\njobs: {count: 256}\nlatency: {detail_ms: 1000}\n");
    std::latch ready(clients);
    std::atomic<int> answered{0};
    std::vector<std::thread> threads;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < clients; ++i) {
        threads.emplace_back([&, i] {
            httplib::Client client(srv.address().url);
            client.set_read_timeout(10, 0);
            const auto path =
                "/jobs/" + std::to_string(srv.scene().jobs[static_cast<std::size_t>(i)].id);
            ready.arrive_and_wait();
            const auto r = client.Get(path);
            if (r && r->status == 200) {
                answered.fetch_add(1);
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    const auto wall = std::chrono::steady_clock::now() - started;
    CHECK(answered.load() == clients);
    // A client can read its whole answer before the server's thread stamps the entry
    // finished; an open entry would count as ended at `now` 0 below, and the peak once read
    // 255 in a run that took 1.08 s. So wait for every stamp.
    const auto snap = srv.journal_when(test_support::all_finished);
    REQUIRE(snap.entries.size() == static_cast<std::size_t>(clients));
    CHECK(mock_api::peak_in_flight(snap.entries, 0) == clients);
    CHECK(snap.connections_queued == 0);
#ifndef TG_SANITIZED
    // Serialised, this would take 256 x 1 s; fully overlapped about 1 s.
    CHECK(wall < std::chrono::seconds(10));
#else
    (void)wall;
#endif
}

namespace {

using test_support::now_us;
using test_support::open_connection;
using test_support::raw_get;
using test_support::running_server;

// The list answers at once, every detail hangs; `max_connections` slots.
running_server hostile_server(int max_connections, mock_api::server_options options = {}) {
    return running_server("name: hostile\njobs: {count: 3}\nfaults:\n  detail: [{kind: hang}]\n"
                          "limits: {max_connections: " +
                              std::to_string(max_connections) + "}\n",
                          options);
}

std::int64_t hanging_id(const running_server& srv) { return srv.scene().jobs.front().id; }

// A client that writes its request a piece at a time and can tell whether the server has
// closed on it (recv would return 0 or fail), without reading anything else.
class trickle_client {
  public:
    explicit trickle_client(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~trickle_client() { ::close(fd_); }
    trickle_client(const trickle_client&) = delete;
    trickle_client& operator=(const trickle_client&) = delete;

    /// False once the server has closed the connection.
    bool send(const std::string& bytes) {
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
                   static_cast<ssize_t>(bytes.size()) &&
               !closed_by_server();
    }
    bool closed_by_server() {
        pollfd p{fd_, POLLIN | POLLRDHUP, 0};
        if (::poll(&p, 1, 0) <= 0) {
            return false;
        }
        char c;
        return ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
    }

  private:
    int fd_;
};

// One byte every 20 ms until the server closes or `give_up_ms` passes; the milliseconds from
// the first byte to the close (or -1).
std::int64_t trickle_until_closed(trickle_client& client, int give_up_ms) {
    const std::int64_t first = now_us();
    REQUIRE(client.send("GET /jobs HTTP/1.1\r\nX-Slow: "));
    while (now_us() - first < std::int64_t{give_up_ms} * 1000) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20)); // the client's pace
        if (!client.send("a")) {
            return (now_us() - first) / 1000;
        }
    }
    return -1;
}

int threads_of_this_process() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("Threads:", 0) == 0) {
            return std::stoi(line.substr(8));
        }
    }
    return -1;
}

} // namespace

TEST_CASE("a request head that trickles in is cut off at its deadline however often bytes come",
          "[mock_api][server][hostile]") {
    mock_api::server_options options;
    options.head_timeout_ms = 300;
    running_server srv(hostile_server(8, options));
    trickle_client slow(srv.port());
    // A byte every 20 ms never trips the 5 s per-read timeout: only the head deadline can end it.
    const std::int64_t closed_after_ms = trickle_until_closed(slow, 4000);
    CHECK(closed_after_ms >= 300);
    CHECK(closed_after_ms < 4000);
    const auto snap = srv.journal_when([](const auto& s) { return s.head_timeouts == 1; });
    CHECK(snap.head_timeouts == 1);
    CHECK(snap.entries.empty()); // no request was read, so none is journaled
    CHECK(raw_get(srv.port(), "/jobs").status() == 200);
}

TEST_CASE("a request head over the size cap ends the connection", "[mock_api][server][hostile]") {
    mock_api::server_options options;
    options.max_head_bytes = 4096;
    running_server srv(hostile_server(8, options));
    std::string head = "GET /jobs HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 100; ++i) { // 100 lines of ~110 bytes, each well under httplib's 8 KiB
        head += "X-Pad-" + std::to_string(i) + ": " + std::string(100, 'a') + "\r\n";
    }
    const auto reply = test_support::raw_exchange(srv.port(), head + "\r\n", 5000);
    CHECK(reply.status() == 0); // nothing answered
    CHECK((reply.closed || reply.reset));
    const auto snap = srv.journal_when([](const auto& s) { return s.heads_too_large == 1; });
    CHECK(snap.heads_too_large == 1);
    CHECK(snap.entries.empty());
    CHECK(raw_get(srv.port(), "/jobs").status() == 200);
}

TEST_CASE("a client waiting for a slot evicts a slow one and is served at once",
          "[mock_api][server][hostile]") {
    mock_api::server_options options;
    options.head_timeout_ms = 60000; // only eviction can free a slot within the test
    running_server srv(hostile_server(4, options));
    std::vector<std::unique_ptr<open_connection>> slow;
    for (int i = 0; i < 4; ++i) {
        slow.push_back(std::make_unique<open_connection>(srv.port(), "GET /jobs HTTP/1.1\r\nX: "));
    }
    srv.journal_when([](const auto& s) { return s.connections_accepted == 4; });
    const auto reply = raw_get(srv.port(), "/jobs", 10000);
    CHECK(reply.status() == 200);
    CHECK(reply.done_us - reply.sent_us < 5'000'000); // far below the 60 s head deadline
    const auto snap = srv.journal_when(test_support::all_finished);
    CHECK(snap.connections_evicted >= 1);
    CHECK(snap.connections_queued >= 1);
    CHECK(snap.head_timeouts == 0);
    REQUIRE(snap.entries.size() == 1);
    CHECK(snap.entries[0].outcome == "answered");
}

TEST_CASE("idle keep-alive connections give way when every slot is taken",
          "[mock_api][server][hostile]") {
    running_server srv(hostile_server(2));
    httplib::Client first(srv.address().url);
    httplib::Client second(srv.address().url);
    first.set_keep_alive(true);
    second.set_keep_alive(true);
    REQUIRE(first.Get("/jobs")->status == 200);
    REQUIRE(second.Get("/jobs")->status == 200);
    // Both connections are now idle between requests and hold the two slots.
    const auto reply = raw_get(srv.port(), "/jobs", 10000);
    CHECK(reply.status() == 200);
    CHECK(reply.done_us - reply.sent_us < 4'000'000); // not a wait for the 5 s keep-alive end
    const auto snap = srv.journal_when([](const auto& s) { return s.entries.size() == 3; });
    CHECK(snap.connections_evicted >= 1);
    // An evicted keep-alive connection is one the client reopens, as HTTP allows.
    CHECK(first.Get("/jobs")->status == 200);
}

TEST_CASE("connections being answered are never evicted", "[mock_api][server][hostile]") {
    running_server srv(hostile_server(2));
    const std::string hang = "GET /jobs/" + std::to_string(hanging_id(srv)) + " HTTP/1.1\r\n\r\n";
    auto a = std::make_unique<open_connection>(srv.port(), hang);
    open_connection b(srv.port(), hang);
    srv.journal_when([](const auto& s) { return s.entries.size() == 2; });
    open_connection third(srv.port(), "GET /jobs HTTP/1.1\r\nConnection: close\r\n\r\n");
    CHECK(third.read_for(500).bytes.empty()); // it waits: both slots are answering requests
    a.reset();                                // one hanging client goes away, freeing its slot
    CHECK(third.read_for(5000).status() == 200);
    const auto snap = srv.journal_when([](const auto& s) { return s.entries.size() == 3; });
    CHECK(snap.connections_evicted == 0);
    CHECK(snap.connections_queued >= 1);
}

TEST_CASE("past the wait queue a new connection is closed at once", "[mock_api][server][hostile]") {
    mock_api::server_options options;
    options.max_waiting = 1;
    running_server srv(hostile_server(1, options));
    open_connection busy(srv.port(),
                         "GET /jobs/" + std::to_string(hanging_id(srv)) + " HTTP/1.1\r\n\r\n");
    srv.journal_when([](const auto& s) { return s.entries.size() == 1; });
    open_connection waiting(srv.port(), "GET /jobs HTTP/1.1\r\n\r\n");
    srv.journal_when([](const auto& s) { return s.connections_queued == 1; });
    open_connection refused(srv.port(), "GET /jobs HTTP/1.1\r\n\r\n");
    const auto reply = refused.read_for(5000);
    CHECK(reply.bytes.empty());
    CHECK((reply.closed || reply.reset));
    CHECK_FALSE(reply.timed_out);
    CHECK(srv.journal().connections_refused == 1);
}

TEST_CASE("stop returns while a client is still trickling its request head",
          "[mock_api][server][hostile]") {
    mock_api::server_options options;
    options.head_timeout_ms = 60000;
    running_server srv(hostile_server(8, options));
    std::atomic<bool> done{false};
    std::thread client([&] {
        trickle_client slow(srv.port());
        slow.send("GET /jobs HTTP/1.1\r\nX-Slow: ");
        while (!done.load() && slow.send("a")) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20)); // the client's pace
        }
    });
    srv.journal_when([](const auto& s) { return s.connections_accepted == 1; });
    const std::int64_t before = now_us();
    srv.server().stop();
    const std::int64_t stop_us = now_us() - before;
    done = true;
    client.join();
    // Before, the read waited on the socket alone and never ended while bytes kept coming.
    CHECK(stop_us < 3'000'000);
}

TEST_CASE("a flood of idle connections leaves threads and open connections bounded",
          "[mock_api][server][hostile]") {
    mock_api::server_options options;
    options.max_waiting = 4;
    running_server srv(hostile_server(8, options));
    const int threads_before = threads_of_this_process();
    std::vector<std::unique_ptr<open_connection>> flood;
    for (int i = 0; i < 64; ++i) {
        flood.push_back(std::make_unique<open_connection>(srv.port(), ""));
    }
    srv.journal_when(
        [](const auto& s) { return s.connections_accepted + s.connections_refused == 64; });
    CHECK(threads_of_this_process() - threads_before <= 8);
    CHECK(raw_get(srv.port(), "/jobs", 10000).status() == 200);
    const auto snap = srv.journal();
    CHECK(snap.peak_open_connections <= 8 + 4);
    // The flood's connections never close by themselves (idle, within the keep-alive time):
    // all but the 8 slots and 4 waiting places were evicted or refused.
    CHECK(snap.connections_evicted + snap.connections_refused >= 64 - 8 - 4);
}

TEST_CASE("one connection after another is served by the same few threads",
          "[mock_api][server][hostile]") {
    // The pool once counted idle threads loosely: a thread that finished its job and took the
    // next one left the thread woken for it uncounted, so a new thread was started. Under a
    // stream of connections the threads piled up toward max_connections (753 after 25000
    // fuzzer runs), each with its stack.
    running_server srv(hostile_server(4096));
    REQUIRE(raw_get(srv.port(), "/jobs").status() == 200);
    const int threads_before = threads_of_this_process();
    for (int i = 0; i < 1000; ++i) {
        REQUIRE(raw_get(srv.port(), "/jobs").status() == 200);
    }
    // A few extra threads are legitimate: a thread still closing one connection when the next
    // arrives is not idle, so one more starts (4 were seen once with a test on the other core).
    // Weak as a regression test: rebuilt on this machine, the old pool left only 1 extra thread
    // after these 1000 connections (its leak needs a finishing thread to take the next job
    // before the woken one; it piled up hundreds only over the fuzzer's 25000 runs).
    CHECK(threads_of_this_process() - threads_before <= 8);
    CHECK(srv.journal().entries.size() == 1001);
}

// The other direction: a strictly sequential client must never look concurrent. Each answer's
// end is stamped before the last send() (and before close()), so the next request, which the
// client sends only after reading that end, is always received later: peak 1, on a new
// connection per request and on one kept-alive connection alike. A stamp taken after send()
// returned once came later than the next request's (the grader then saw `bounded(2)`).
TEST_CASE("a strictly sequential client is never seen with two requests in flight",
          "[mock_api][server][concurrency]") {
    for (const bool keep_alive : {false, true}) {
        test_support::running_server srv("name: seq\njobs: {count: 40}\n");
        httplib::Client client(srv.address().url);
        client.set_keep_alive(keep_alive);
        int answered = 0;
        for (const auto& job : srv.scene().jobs) {
            const auto r = client.Get("/jobs/" + std::to_string(job.id));
            answered += r && r->status == 200 ? 1 : 0;
        }
        CHECK(answered == static_cast<int>(srv.scene().jobs.size()));
        const auto snap = srv.journal_when(test_support::all_finished);
        REQUIRE(snap.entries.size() == srv.scene().jobs.size());
        CHECK(mock_api::peak_in_flight(snap.entries, 0) == 1);
        for (std::size_t i = 1; i < snap.entries.size(); ++i) {
            INFO("request " << i << (keep_alive ? " (keep-alive)" : " (new connection)"));
            CHECK(snap.entries[i].received_us >= snap.entries[i - 1].finished_us);
        }
    }
}
