#pragma once
// A scenario: the dataset the mock serves, how slowly, and which faults it injects.
// Loaded from YAML (format in mock_api/README.md); every mistake is a located error.

#include "common/result.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace mock_api {

/// The contract's per-request timeout; oracle and validation reason about it.
inline constexpr int contract_timeout_ms = 2000;
/// Timings closer than this to the contract's timeout are ambiguous and refused.
inline constexpr int timeout_margin_ms = 500;

/// One job as the API knows it. The list shows `list_status` (possibly stale); the detail
/// shows `status` (the truth), both verbatim, odd casing and white space included.
struct job {
    std::int64_t id = 0;
    std::string name;
    std::string status;
    std::string list_status;
    std::string owner;
    std::int64_t duration_ms = 0;
    std::optional<std::string> finished_at;
    nlohmann::json extra = nlohmann::json::object(); ///< unknown fields a client must ignore
};

enum class fault_kind {
    status,      ///< answer with an error status and a small JSON error body
    malformed,   ///< 200 with a body that is not valid JSON
    truncated,   ///< 200 announcing the full length, half the body, then a graceful close
    empty_reply, ///< close the connection without sending a byte
    reset,       ///< abort the connection with a TCP RST, no bytes sent
    hang,        ///< never answer; released when the client goes away or the server stops
    drip,        ///< the correct body, `chunk_bytes` every `interval_ms`
    rate_limit,  ///< 429 with Retry-After for the first `attempts` attempts (0: every attempt)
};

/// The YAML name of a fault kind ("empty_reply").
std::string to_string(fault_kind kind);

struct fault {
    fault_kind kind = fault_kind::status;
    int status = 500;      ///< status: the code sent (400-599)
    int attempts = 0;      ///< rate_limit: how many attempts are limited; 0 means all
    int retry_after_s = 1; ///< rate_limit: the Retry-After header, in seconds
    int chunk_bytes = 16;  ///< drip: bytes per chunk
    int interval_ms = 100; ///< drip: pause before each chunk

    /// True when this fault answers the given attempt (1-based); a rate limit lets later
    /// attempts through.
    bool applies_to_attempt(int attempt) const;
};

/// A fault for some detail ids (all details when `ids` is empty). The first match wins.
struct detail_fault {
    std::vector<std::int64_t> ids;
    fault what;
};

struct latency_plan {
    int list_ms = 0;
    int detail_ms = 0;
    int jitter_ms = 0; ///< each detail adds a fixed amount in [0, jitter_ms] derived from the seed
    std::map<std::int64_t, int> per_id_ms; ///< detail latency overrides (jitter still added)
};

/// 429 or 503 when more than max_in_flight requests are being served at once.
struct server_limits {
    int max_in_flight = 0; ///< 0: unlimited
    int over_limit_status = 503;
    int max_connections = 4096;               ///< connections served at once; more wait in a queue
    std::size_t journal_max_entries = 100000; ///< further requests are counted, not recorded
};

struct scenario {
    std::string name;
    std::string description;
    std::string source; ///< the file it came from (for messages)
    std::uint64_t seed = 1;
    std::vector<job> jobs; ///< in list order
    latency_plan latency;
    std::optional<fault> list_fault;
    std::vector<detail_fault> detail_faults;
    server_limits limits;

    const job* find_job(std::int64_t id) const;
    /// The fault configured for this detail id, if any (first match wins).
    const fault* detail_fault_for(std::int64_t id) const;
    /// Configured latency for this detail: override or base, plus its seeded jitter.
    int detail_latency_ms(std::int64_t id) const;
    /// When the last byte of this detail's answer is due: latency plus any drip.
    int detail_answer_ms(std::int64_t id) const;
    /// The same for a job of this scenario, without looking it up (linear passes over the
    /// jobs stay linear).
    int answer_ms(const job& j) const;
};

/// How long a drip takes to send a body of `body_bytes`, capped at 10^9 ms.
int drip_ms(const fault& f, std::size_t body_bytes);

/// Reads and validates a scenario file. Errors: "FILE:LINE:COL: message".
common::result<scenario> load_scenario(const std::filesystem::path& path);
/// The same from text; `name` stands for the file in messages.
common::result<scenario> parse_scenario(const std::string& text, const std::string& name);
/// The same from a node of a larger document (a rubric's inline scenario): positions in
/// messages are those of `file`, the document the node came from.
common::result<scenario> parse_scenario_node(const YAML::Node& node, const std::string& file);

} // namespace mock_api
