#pragma once
// The journal: one entry per request the mock served, with microsecond timestamps on the
// system-wide monotonic clock (CLOCK_MONOTONIC), so that a client on the same machine can set
// them against its own. Bounded: past `max_entries` requests are counted, not recorded.
// Thread-safe; format in mock_api/README.md ("mock_api.journal/1").

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mock_api {

/// What the journal keeps of a request's method and path: longer ones are cut (and end in
/// "..."), so that a hostile client cannot make the journal, or the file written from it, large.
inline constexpr std::size_t max_method_bytes = 32;
inline constexpr std::size_t max_path_bytes = 512;

/// Microseconds on CLOCK_MONOTONIC (std::chrono::steady_clock on Linux).
std::int64_t monotonic_us();

struct journal_entry {
    std::uint64_t seq = 0;
    std::uint64_t connection = 0;
    std::string method;
    std::string path;
    std::string endpoint; ///< list | detail | other | bad_request
    std::optional<std::int64_t> job_id;
    int attempt = 0;              ///< 1-based count of requests for this endpoint and id
    std::string fault = "none";   ///< the fault kind applied, "over_limit", or "none"
    int status = 0;               ///< status sent; 0 when no status line went out
    std::uint64_t bytes = 0;      ///< bytes written for this response (headers + body)
    std::int64_t received_us = 0; ///< request headers parsed
    std::int64_t finished_us = 0; ///< last byte written or connection closed; 0 while open
    std::string outcome;          ///< answered | truncated | reset | empty_reply |
                                  ///< client_closed | server_stopped | write_failed
};

/// A copy of the journal at one moment.
struct journal_snapshot {
    std::int64_t started_us = 0;
    std::vector<journal_entry> entries;
    std::uint64_t dropped = 0; ///< requests not recorded because the journal was full
    std::uint64_t connections_accepted = 0;
    std::uint64_t connections_queued = 0; ///< had to wait for a free connection slot
    int peak_open_connections = 0;
    /// Closed while idle or still sending a request's head, to make room for a waiting one.
    std::uint64_t connections_evicted = 0;
    std::uint64_t connections_refused = 0; ///< closed at once: slots and wait queue were full
    std::uint64_t head_timeouts = 0;       ///< cut: a request's head did not arrive in time
    std::uint64_t heads_too_large = 0;     ///< cut: a request's head was over the size cap

    nlohmann::json to_json() const;
    /// Reads what to_json() wrote. Throws std::invalid_argument naming the field ("journal:
    /// entries[3].attempt: expected an integer in [0, ...]") for anything else: a missing or
    /// mistyped field, a number out of its range, a timestamp past 2^62 us or a request that
    /// finished before it was received. The counters of hostile clients (evicted, refused,
    /// head_timeouts, heads_too_large) may be missing (0): journals older than them.
    static journal_snapshot from_json(const nlohmann::json& doc);
};

/// Most requests in flight at one instant, from the entries' [received, finished] intervals
/// (an open entry counts until `now_us`).
int peak_in_flight(const std::vector<journal_entry>& entries, std::int64_t now_us);

class journal {
  public:
    /// A handle to a recorded entry, or to a request that was counted but not recorded.
    struct ticket {
        std::size_t index = SIZE_MAX;
        std::uint64_t generation = 0;
    };

    explicit journal(std::size_t max_entries);

    /// Records the start of a request; the entry's seq is assigned here, its method and path
    /// are cut to max_method_bytes and max_path_bytes and invalid UTF-8 in them is replaced
    /// by U+FFFD.
    ticket begin(journal_entry entry);
    /// Completes an entry begun earlier; ignored if the journal was reset meanwhile.
    /// `finished_us` is when the client could first have seen the end (0: now).
    void finish(ticket t,
                int status,
                std::uint64_t bytes,
                const std::string& outcome,
                std::int64_t finished_us = 0);
    /// Sets the fault of an entry that is still open.
    void set_fault(ticket t, const std::string& fault);
    void reset();
    void count_connection(bool queued, int open_now);
    void count_evicted();
    void count_refused();
    void count_head_timeout();
    void count_head_too_large();

    journal_snapshot snapshot() const;

  private:
    mutable std::mutex mutex_;
    std::size_t max_entries_;
    std::uint64_t generation_ = 0;
    std::uint64_t next_seq_ = 0;
    journal_snapshot data_;
};

} // namespace mock_api
