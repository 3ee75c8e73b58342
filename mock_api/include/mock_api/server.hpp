#pragma once
// The jobs API server: serves a scenario over HTTP/1.1 on cpp-httplib, injects its latency
// and faults, and journals every request.
//
// Threads: one listener (httplib's accept loop) plus one thread per open connection (see
// src/detail/connection_pool.hpp), so a delayed request never holds up another. Connections,
// threads and waiting connections are bounded (scenario limits, server_options).

#include "common/result.hpp"
#include "mock_api/journal.hpp"
#include "mock_api/scenario.hpp"

#include <memory>
#include <string>

namespace mock_api {

struct server_options {
    std::string host = "127.0.0.1";
    int port = 0;       ///< 0 picks a free port
    bool admin = true;  ///< serve /__admin/journal and /__admin/reset
    int backlog = 4096; ///< listen backlog (httplib's compiled-in 5 overflows under bursts)

    // Bounds against a hostile client (mock_api/README.md, "A hostile client"); each trade-off
    // favours the server over a client that is not behaving like one.
    /// A request's line and headers must arrive within this of its first byte: a client that
    /// trickles them (slowloris) or stops halfway is cut off, however often bytes come.
    int head_timeout_ms = 5000;
    /// A request head (line and headers) larger than this ends the connection. Real clients
    /// send well under 1 KiB; httplib alone bounds a line but not how many there are.
    std::size_t max_head_bytes = 64 * 1024;
    /// Connections that may wait for a slot once the scenario's max_connections are taken;
    /// more are closed at once. Each that waits first evicts an idle or slow connection.
    std::size_t max_waiting = 1024;
};

/// Where the server listens, numerically: "http://127.0.0.1:41234" or "http://[::1]:41234".
struct bound_address {
    std::string host;
    int port = 0;
    std::string url;
};

class server {
  public:
    explicit server(scenario s, server_options options = {});
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Binds and starts serving on a background thread; returns once requests are accepted.
    /// Failure: errc::io with the address and the system's reason.
    common::result<bound_address> start();
    /// Stops accepting, releases every waiting request (hangs, delays, drips) and returns
    /// when all connections are closed. Idempotent; safe from any thread except a handler.
    void stop();

    /// The journal as it is now (requests still in flight have finished_us == 0).
    journal_snapshot journal() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace mock_api
