#pragma once
// socket_stream: the httplib::Stream of one connection, reading through a small buffer (the
// request-line parser reads a byte at a time) and honouring a connection's end mode: once a
// fault has decided the connection ends without an answer, every write is refused.

#include "detail/connection.hpp"

#include <array>
#include <ctime>
#include <httplib.h>

namespace mock_api::detail {

class socket_stream : public httplib::Stream {
  public:
    socket_stream(connection& conn, int read_timeout_ms, int write_timeout_ms)
        : conn_(conn), read_timeout_ms_(read_timeout_ms), write_timeout_ms_(write_timeout_ms) {}

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
    connection& conn_;
    int read_timeout_ms_;
    int write_timeout_ms_;
    std::array<char, 8192> buffer_{};
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

/// Fills the connection's numeric addresses from the socket.
void describe_peer(connection& conn);

} // namespace mock_api::detail
