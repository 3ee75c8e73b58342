#pragma once
// Per-connection state shared by the stream, the handlers and the connection loop. One
// connection is served by one thread from accept to close, so a thread_local pointer finds it.

#include "mock_api/journal.hpp"

#include <cstdint>
#include <string>

namespace mock_api::detail {

/// How the connection ends once the current request is done.
enum class end_mode {
    keep,     ///< ordinary HTTP: keep-alive or close as the client asked
    graceful, ///< write nothing more; FIN after the bytes already sent
    reset,    ///< write nothing; abort with RST (SO_LINGER 0)
};

struct connection {
    int fd = -1;
    std::uint64_t id = 0;
    std::string remote_addr;
    int remote_port = -1;
    std::string local_addr;
    int local_port = -1;

    // The request being served, if it was journaled and is not finished yet.
    bool request_open = false;
    journal::ticket ticket;
    int attempt = 0;
    std::int64_t received_us = 0;
    std::uint64_t bytes_written = 0; ///< since the current request began
    bool write_failed = false;

    // Set by a fault that ends the connection: the stream then refuses writes (suppress) and
    // the connection loop closes the socket the chosen way and finishes the journal entry.
    end_mode end = end_mode::keep;
    bool suppress_writes = false;
    int end_status = 0;
    std::string end_outcome;
};

/// The connection served by the calling thread, or nullptr outside a connection.
connection* current_connection();
void set_current_connection(connection* c);

} // namespace mock_api::detail
