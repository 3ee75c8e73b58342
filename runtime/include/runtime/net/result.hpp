#pragma once
// net::result<T>: a network failure as a value (a code plus a message), never an exception.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace rt::net {

/// Why a network operation failed.
enum class net_error {
    invalid_argument, ///< not a numeric IPv4 address, bad URL, ...
    connect_failed,   ///< refused, unreachable, or the socket could not be created
    reset,            ///< the peer aborted the connection (ECONNRESET, EPIPE)
    timed_out,        ///< the deadline passed first
    closed,           ///< the stream is closed (locally, or the peer closed it early)
    io,               ///< any other system error
};

/// An expected network failure: a code plus one lower-case message naming the peer.
struct error {
    net_error code = net_error::io;
    std::string message;
};

/// Either a T or an error. Accessing the wrong side fires an assert.
template <class T = std::monostate>
class [[nodiscard]] result {
  public:
    result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
    result(error failure) : v_(std::move(failure)) {} // NOLINT: implicit by design

    /// True if this holds a value.
    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    /// The value (asserts ok()).
    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    /// The value, moved out (asserts ok()).
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    /// The failure (asserts !ok()).
    const error& failure() const& {
        assert(!ok());
        return std::get<1>(v_);
    }

  private:
    std::variant<T, error> v_;
};

} // namespace rt::net
