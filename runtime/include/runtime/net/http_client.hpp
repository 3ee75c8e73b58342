#pragma once
// http_client: HTTP/1.1 GET over tcp_stream, with a keep-alive pool and per-request timeouts.
// Responses are parsed by Boost.Beast's parser, privately (src/net/http_client.cpp); this
// header depends on the standard library only.

#include "runtime/task.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace rt::net {

/// A complete response. The body is raw bytes: the client never parses JSON.
struct http_response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers; ///< in arrival order
    std::string body;

    /// The first header named `name` (case-insensitive), or nullopt.
    std::optional<std::string> header(std::string_view name) const;
};

/// Why a request produced no response.
enum class http_error_kind {
    invalid_url, ///< not http://IPV4-or-localhost[:port][/path]
    connect,     ///< the connection could not be made (refused, unreachable)
    reset,       ///< the server aborted the connection
    timeout,     ///< no complete response within the request's timeout
    malformed,   ///< bytes that are not an HTTP/1.1 response
    closed,      ///< the server closed the connection before the response was complete
};

/// The failure of one request: a kind plus a lower-case message naming the URL.
struct http_error {
    http_error_kind kind = http_error_kind::closed;
    std::string message;
};

/// Either a response (any status, 4xx/5xx included) or an http_error.
class [[nodiscard]] http_result {
  public:
    http_result(http_response r) : v_(std::move(r)) {} // NOLINT: implicit by design
    http_result(http_error e) : v_(std::move(e)) {}    // NOLINT: implicit by design

    /// True if a complete response arrived.
    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    /// The response; throws std::logic_error if !ok().
    http_response& response();
    const http_response& response() const;
    /// The error; throws std::logic_error if ok().
    const http_error& error() const;

  private:
    std::variant<http_response, http_error> v_;
};

/// An HTTP/1.1 client for GET requests to plain-http, numeric-IPv4 (or localhost) servers.
/// Keeps idle keep-alive connections per host:port and reuses them; a connection that saw
/// any error, or that the server asked to close, is dropped. Thread-safe: one client may
/// serve many concurrent requests from any runtime's threads. Requests (started or not) may
/// outlive the client object: they share its pool.
class http_client {
  public:
    /// `max_idle_per_host`: idle connections kept per host:port; more are closed.
    explicit http_client(std::size_t max_idle_per_host = 64);
    ~http_client();
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;

    /// GETs `url`. `timeout` covers everything, counted from the task's start: connect, send,
    /// and receiving the full body.
    /// Every failure is a value (see http_error_kind); never throws for network reasons.
    /// A request that fails on a reused connection before any response byte arrived (the
    /// server closed an idle connection) is retried once on a new connection, inside the same
    /// timeout. Runtime threads only.
    task<http_result> get(std::string url, std::chrono::milliseconds timeout);

    /// Idle pooled connections right now (for tests and diagnostics). Any thread.
    std::size_t idle_connections() const;

  private:
    struct pool;
    std::shared_ptr<pool> pool_;
};

} // namespace rt::net
