#pragma once
// The jobs API server: serves a scenario over HTTP/1.1 on cpp-httplib, injects its latency
// and faults, and journals every request.
//
// Threads: one listener (httplib's accept loop) plus one thread per open connection (see
// src/detail/connection_pool.hpp), so a delayed request never holds up another.

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
