#pragma once
// A deliberately plain HTTP/1.1 client on a raw socket, for tests that must see exactly what
// came over the wire: nothing at all, a reset, a truncated body, a request left hanging.

#include <cstdint>
#include <string>

namespace test_support {

struct raw_reply {
    std::string bytes;        ///< everything received, headers included
    bool closed = false;      ///< the server closed gracefully (recv returned 0)
    bool reset = false;       ///< the connection was reset (ECONNRESET)
    bool timed_out = false;   ///< nothing more arrived before the timeout
    std::int64_t sent_us = 0; ///< steady_clock, just before the request was sent
    std::int64_t done_us = 0; ///< steady_clock, when the reply ended (or the timeout hit)

    /// Status code from the status line, or 0 if there is none.
    int status() const;
    /// The bytes after the blank line that ends the headers.
    std::string body() const;
    /// A header's value (case-insensitive name), or "".
    std::string header(const std::string& name) const;
};

/// Microseconds on steady_clock (CLOCK_MONOTONIC, the journal's clock).
std::int64_t now_us();

/// Sends `raw_request` to 127.0.0.1:port and reads until close, reset or `timeout_ms`.
raw_reply raw_exchange(int port, const std::string& raw_request, int timeout_ms);
/// `GET path` with Connection: close.
raw_reply raw_get(int port, const std::string& path, int timeout_ms = 5000);

/// A connection left open on purpose (a client that goes away later).
class open_connection {
  public:
    open_connection(int port, const std::string& raw_request);
    ~open_connection();
    open_connection(const open_connection&) = delete;
    open_connection& operator=(const open_connection&) = delete;
    /// Reads whatever arrives within `timeout_ms`; stops at close or reset.
    raw_reply read_for(int timeout_ms);
    void close();

  private:
    int fd_ = -1;
};

} // namespace test_support
