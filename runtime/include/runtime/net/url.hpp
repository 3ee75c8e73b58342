#pragma once
// http_url: the parts of an http:// URL the client needs (numeric IPv4 or localhost only).

#include "runtime/net/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace rt::net {

/// A parsed `http://HOST[:PORT][/PATH]` URL.
struct http_url {
    std::string host;         ///< as written: a numeric IPv4 address or "localhost"
    std::uint16_t port = 80;  ///< 80 when absent
    std::string target = "/"; ///< path plus query, "/" when absent
    /// The address to connect to: `host`, with "localhost" mapped to 127.0.0.1.
    std::string connect_ip() const { return host == "localhost" ? "127.0.0.1" : host; }
};

/// Parses `text`. Fails with invalid_argument and a message naming the problem (not http,
/// host not numeric IPv4 or localhost, bad port, fragment or user info present).
result<http_url> parse_url(std::string_view text);

} // namespace rt::net
