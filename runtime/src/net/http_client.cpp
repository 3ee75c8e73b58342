#include "runtime/net/http_client.hpp"

#include "runtime/net/tcp.hpp"
#include "runtime/net/url.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <mutex>
#include <span>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace rt::net {

namespace beast_http = boost::beast::http;
using time_point = reactor::clock::time_point;

std::optional<std::string> http_response::header(std::string_view name) const {
    auto same = [name](const std::string& candidate) {
        return std::equal(
            name.begin(), name.end(), candidate.begin(), candidate.end(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            });
    };
    for (const auto& [key, value] : headers) {
        if (same(key)) {
            return value;
        }
    }
    return std::nullopt;
}

http_response& http_result::response() {
    return const_cast<http_response&>(std::as_const(*this).response());
}

const http_response& http_result::response() const {
    if (!ok()) {
        throw std::logic_error("rt::net::http_result: no response, the request failed");
    }
    return std::get<0>(v_);
}

const http_error& http_result::error() const {
    if (ok()) {
        throw std::logic_error("rt::net::http_result: no error, the request succeeded");
    }
    return std::get<1>(v_);
}

namespace {
/// Idle keep-alive connections by "ip:port". Shared by a client and its running requests.
struct connection_pool {
    std::size_t max_idle_per_host = 0;
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::vector<tcp_stream>> idle;

    /// The most recently returned idle connection that is still usable, if any.
    std::optional<tcp_stream> checkout(const std::string& key) {
        std::vector<tcp_stream> dead; // closed outside the lock
        std::lock_guard lock(mutex);
        auto& streams = idle[key];
        while (!streams.empty()) {
            tcp_stream s = std::move(streams.back());
            streams.pop_back();
            if (s.idle_and_alive()) {
                return s;
            }
            dead.push_back(std::move(s));
        }
        return std::nullopt;
    }

    void checkin(const std::string& key, tcp_stream s) {
        std::lock_guard lock(mutex);
        auto& streams = idle[key];
        if (streams.size() < max_idle_per_host) {
            streams.push_back(std::move(s));
        }
    }
};
} // namespace

struct http_client::pool : connection_pool {};

namespace {

constexpr std::size_t max_body_bytes = 64 * 1024 * 1024;

/// One request/response exchange on one connection.
struct exchange_outcome {
    std::optional<http_response> response;
    http_error failure;
    bool keep_alive = false;     ///< the connection may serve another request
    bool received_bytes = false; ///< any response byte arrived (else a retry is safe)
};

http_error_kind kind_of(net_error code) {
    switch (code) {
    case net_error::timed_out:
        return http_error_kind::timeout;
    case net_error::closed:
        return http_error_kind::closed;
    case net_error::invalid_argument:
        return http_error_kind::invalid_url;
    case net_error::connect_failed:
        return http_error_kind::connect;
    case net_error::reset:
    case net_error::io:
        break;
    }
    return http_error_kind::reset;
}

exchange_outcome failed(http_error_kind kind, std::string message, bool received_bytes) {
    return exchange_outcome{
        std::nullopt, http_error{kind, std::move(message)}, false, received_bytes};
}

std::string request_text(const http_url& url) {
    return "GET " + url.target + " HTTP/1.1\r\nHost: " + url.host + ":" + std::to_string(url.port) +
           "\r\nAccept: */*\r\nConnection: keep-alive\r\nUser-Agent: rt-http/1\r\n\r\n";
}

/// Feeds `pending` to the parser, erasing what it consumed. Returns a parse error, if any.
boost::beast::error_code feed(beast_http::response_parser<beast_http::string_body>& parser,
                              std::string& pending) {
    while (!pending.empty() && !parser.is_done()) {
        boost::beast::error_code ec;
        std::size_t used =
            parser.put(boost::asio::const_buffer(pending.data(), pending.size()), ec);
        pending.erase(0, used);
        if (ec == beast_http::error::need_more) {
            return {};
        }
        if (ec) {
            return ec;
        }
    }
    return {};
}

http_response to_response(beast_http::response<beast_http::string_body> message) {
    http_response r;
    r.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
        r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    r.body = std::move(message.body());
    return r;
}

task<exchange_outcome> read_response(tcp_stream& stream, time_point deadline) {
    beast_http::response_parser<beast_http::string_body> parser;
    parser.eager(true);
    parser.body_limit(max_body_bytes);
    // Bytes read but not yet consumed by the parser. Reads go straight into its tail, so a
    // parked request holds what it received plus one read's room (4 KiB), on the heap: a fixed
    // 16 KiB buffer in this coroutine frame cost each of 2000 parked requests 16 KiB.
    std::string pending;
    constexpr std::size_t read_size = 4096;
    std::size_t received = 0;
    while (!parser.is_done()) {
        const std::size_t kept = pending.size();
        pending.resize(kept + read_size);
        auto got =
            co_await stream.read_some(std::span<char>(pending.data() + kept, read_size), deadline);
        pending.resize(kept + (got ? got.value() : 0));
        if (!got) {
            co_return failed(kind_of(got.failure().code), got.failure().message, received > 0);
        }
        if (got.value() == 0) {
            // put_eof ends a body delimited by the close, and is an error mid-message. It
            // must not see a parser that got nothing: that would parse as an empty message.
            boost::beast::error_code ec = beast_http::error::partial_message;
            if (parser.got_some()) {
                ec = {};
                parser.put_eof(ec);
            }
            if (ec || !parser.is_done()) {
                co_return failed(http_error_kind::closed,
                                 "connection closed after " + std::to_string(received) +
                                     " byte(s), before the response was complete",
                                 received > 0);
            }
            break;
        }
        received += got.value();
        if (auto ec = feed(parser, pending)) {
            co_return failed(http_error_kind::malformed, "bad response: " + ec.message(), true);
        }
    }
    bool keep_alive = parser.get().keep_alive() && pending.empty();
    co_return exchange_outcome{to_response(parser.release()), {}, keep_alive, true};
}

task<exchange_outcome> exchange(tcp_stream& stream, const http_url& url, time_point deadline) {
    const std::string request = request_text(url);
    auto sent = co_await stream.write_all(request, deadline);
    if (!sent) {
        co_return failed(kind_of(sent.failure().code), sent.failure().message, false);
    }
    co_return co_await read_response(stream, deadline);
}

} // namespace

http_client::http_client(std::size_t max_idle_per_host) : pool_(std::make_shared<pool>()) {
    pool_->max_idle_per_host = max_idle_per_host;
}

http_client::~http_client() = default;

std::size_t http_client::idle_connections() const {
    std::lock_guard lock(pool_->mutex);
    std::size_t n = 0;
    for (const auto& [key, streams] : pool_->idle) {
        n += streams.size();
    }
    return n;
}

namespace {

/// One attempt: a pooled connection if `reuse` and one is idle, else a new one.
task<exchange_outcome> attempt(std::shared_ptr<connection_pool> p,
                               const http_url& url,
                               time_point deadline,
                               bool reuse,
                               bool& reused) {
    const std::string key = url.connect_ip() + ":" + std::to_string(url.port);
    std::optional<tcp_stream> stream = reuse ? p->checkout(key) : std::nullopt;
    reused = stream.has_value();
    if (!stream) {
        auto connected = co_await tcp_stream::connect(url.connect_ip(), url.port, deadline);
        if (!connected) {
            const auto& f = connected.failure();
            auto kind = f.code == net_error::timed_out ? http_error_kind::timeout
                                                       : http_error_kind::connect;
            co_return failed(kind, f.message, false);
        }
        stream = std::move(connected).value();
    }
    auto outcome = co_await exchange(*stream, url, deadline);
    if (outcome.response && outcome.keep_alive) {
        p->checkin(key, std::move(*stream));
    }
    co_return outcome;
}

} // namespace

namespace {

// A free coroutine holding its own reference to the pool, so that a request (even one not
// started yet) may outlive the client.
task<http_result> run_get(std::shared_ptr<connection_pool> p,
                          std::string url_text,
                          std::chrono::milliseconds timeout) {
    // The timeout counts from the request's start (its first resume), not its creation.
    const time_point deadline = reactor::clock::now() + timeout;
    auto url = parse_url(url_text);
    if (!url) {
        co_return http_error{http_error_kind::invalid_url, url.failure().message};
    }
    bool reused = false;
    auto outcome = co_await attempt(p, url.value(), deadline, true, reused);
    bool stale = reused && !outcome.received_bytes &&
                 (outcome.failure.kind == http_error_kind::closed ||
                  outcome.failure.kind == http_error_kind::reset);
    if (!outcome.response && stale) {
        // The server closed the idle connection as we reused it: GET is safe to repeat.
        outcome = co_await attempt(p, url.value(), deadline, false, reused);
    }
    if (outcome.response) {
        co_return std::move(*outcome.response);
    }
    outcome.failure.message = "GET " + url_text + ": " + outcome.failure.message;
    co_return std::move(outcome.failure);
}

} // namespace

task<http_result> http_client::get(std::string url, std::chrono::milliseconds timeout) {
    return run_get(pool_, std::move(url), timeout);
}

} // namespace rt::net
