#pragma once
// socket_stream: the httplib::Stream of one connection, reading through a small buffer (the
// request-line parser reads a byte at a time) and honouring a connection's end mode: once a
// fault has decided the connection ends without an answer, every write is refused.
//
// It also bounds what a client can do before its request is answered: while a request's head
// is arriving (connection::head_deadline_us set), reads end at the head deadline and past
// `max_head_bytes`, and the connection is marked cut (nothing is written to it after that).
// Every wait also ends when the server stops (`stop_fd` readable).

#include "detail/connection.hpp"

#include <array>
#include <ctime>
#include <httplib.h>

namespace mock_api::detail {

struct stream_limits {
    int read_timeout_ms = 5000;  ///< for any one read
    int write_timeout_ms = 5000; ///< for any one write
    int stop_fd = -1;            ///< readable once the server stops: every wait ends
    std::size_t max_head_bytes = 64 * 1024;
};

class socket_stream : public httplib::Stream {
  public:
    socket_stream(connection& conn, stream_limits limits) : conn_(conn), limits_(limits) {}

    bool is_readable() const override;
    bool is_writable() const override;
    ssize_t read(char* ptr, size_t size) override;
    ssize_t write(const char* ptr, size_t size) override;
    void get_remote_ip_and_port(std::string& ip, int& port) const override;
    void get_local_ip_and_port(std::string& ip, int& port) const override;
    socket_t socket() const override { return conn_.fd; }

    /// Bytes already received and not yet consumed (a pipelined request).
    bool has_buffered() const { return begin_ < end_; }

  private:
    bool wait_readable() const;
    bool may_write() const;

    connection& conn_;
    stream_limits limits_;
    std::array<char, 8192> buffer_{};
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

/// Fills the connection's numeric addresses from the socket.
void describe_peer(connection& conn);

} // namespace mock_api::detail
