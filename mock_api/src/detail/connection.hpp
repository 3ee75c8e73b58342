#pragma once
// Per-connection state shared by the stream, the handlers and the connection loop. One
// connection is served by one thread from accept to close, so a thread_local pointer finds it.

#include "mock_api/journal.hpp"

#include <atomic>
#include <cstdint>
#include <list>
#include <string>

namespace mock_api::detail {

/// How the connection ends once the current request is done.
enum class end_mode {
    keep,     ///< ordinary HTTP: keep-alive or close as the client asked
    graceful, ///< write nothing more; FIN after the bytes already sent
    reset,    ///< write nothing; abort with RST (SO_LINGER 0)
};

/// Where a connection is between requests; only the first two can be evicted
/// (connection_registry.hpp).
enum class stage {
    idle,    ///< waiting for a request's first byte (keep-alive)
    reading, ///< a request has begun; its line and headers are still arriving
    serving, ///< the request is being answered (delays, faults, the response)
};

/// Why a connection was cut before its request could be answered.
enum class cut_reason {
    none,
    head_timeout,   ///< the request line and headers did not arrive within the head deadline
    head_too_large, ///< they exceeded the head size cap
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
    /// Taken just before the latest send() of the current request, and before close(): the
    /// client cannot have seen the answer's end earlier, so a request it sends after seeing it
    /// is always received after this (a stamp taken after send() returned could come later
    /// than that next request's, making a strictly sequential client look 2 in flight).
    std::int64_t last_send_us = 0;
    bool write_failed = false;

    // Set by a fault that ends the connection: the stream then refuses writes (suppress) and
    // the connection loop closes the socket the chosen way and finishes the journal entry.
    end_mode end = end_mode::keep;
    bool suppress_writes = false;
    int end_status = 0;
    std::string end_outcome;

    // Hostile clients (mock_api/README.md, "A hostile client"). The registry fields are
    // guarded by connection_registry's mutex; `evicted` is also read by the serving thread.
    stage at = stage::idle;
    std::int64_t stage_since_us = 0;
    std::list<connection*>::iterator place; ///< in the registry's list for `at`
    std::atomic<bool> evicted{false};       ///< cut to make room: write nothing, journal nothing
    std::int64_t head_deadline_us = 0;      ///< while reading: when the head must be complete
    std::size_t head_bytes = 0;             ///< bytes of the current request's head so far
    cut_reason cut = cut_reason::none;
};

/// The connection served by the calling thread, or nullptr outside a connection.
connection* current_connection();
void set_current_connection(connection* c);

/// True on the listener thread while connection_pool hands it a connection to close at once
/// (its wait queue is full): the connection loop then closes the socket without serving it.
bool refusing();
void set_refusing(bool on);

} // namespace mock_api::detail
