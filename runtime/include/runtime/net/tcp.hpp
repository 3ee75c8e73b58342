#pragma once
// tcp_stream: a non-blocking TCP connection whose waits go through the reactor.

#include "runtime/net/result.hpp"
#include "runtime/reactor.hpp"
#include "runtime/task.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace rt::net {

/// A connected, non-blocking TCP socket (TCP_NODELAY on). Move-only; the destructor closes it.
/// Every operation takes an absolute deadline and suspends on the current runtime's reactor
/// (never blocks a thread), with which the socket is registered once, edge-triggered, so that
/// a request costs the system calls the bytes need and no epoll_ctl per wait. One reader and one
/// writer may use a stream at a time; operations run on runtime threads only. Failures are values
/// (net_error), never exceptions.
class tcp_stream {
  public:
    using time_point = reactor::clock::time_point;

    tcp_stream() noexcept = default;
    tcp_stream(tcp_stream&& other) noexcept;
    tcp_stream& operator=(tcp_stream&& other) noexcept;
    tcp_stream(const tcp_stream&) = delete;
    tcp_stream& operator=(const tcp_stream&) = delete;
    ~tcp_stream();

    /// Connects to numeric IPv4 `host_ip`:`port`. Fails with invalid_argument (not an IPv4
    /// address), connect_failed (refused, unreachable), timed_out, or io.
    static task<result<tcp_stream>>
    connect(std::string host_ip, std::uint16_t port, time_point deadline);

    /// Reads at least one byte into `buffer` (which must outlive the await). Returns the count,
    /// or 0 when the peer closed its side (end of stream). Fails with reset, timed_out, closed
    /// (this stream is not open), or io.
    task<result<std::size_t>> read_some(std::span<char> buffer, time_point deadline);
    /// Writes every byte of `bytes` (which must outlive the await). Fails with reset (peer
    /// gone), timed_out (some bytes may have been written), closed, or io.
    task<result<>> write_all(std::span<const char> bytes, time_point deadline);
    /// True while the peer has neither closed nor sent unread bytes and no error is pending:
    /// what a pool checks before reusing an idle connection. Never blocks.
    bool idle_and_alive() const noexcept;
    /// Closes the socket; idempotent. Must not race with a pending read or write.
    void close() noexcept;
    /// True until close() (or a move).
    bool is_open() const noexcept { return fd_ >= 0; }

  private:
    explicit tcp_stream(int fd) noexcept : fd_(fd) {}
    /// Registers the socket with the current runtime's reactor for good (one epoll_ctl per
    /// connection and runtime; reactor::register_fd), unless it already is. Returns what
    /// failed, if registering did.
    std::optional<error> register_here();
    void forget_registration() noexcept;

    int fd_ = -1;
    reactor* reactor_ = nullptr; ///< the reactor the socket is registered with, if any
    std::shared_ptr<const std::atomic<bool>> reactor_alive_;
    /// write_all just finished: the peer cannot have answered yet, so the next read waits for
    /// the socket's readable edge instead of trying (and failing) a recv first.
    bool awaiting_answer_ = false;
};

} // namespace rt::net
