#pragma once
// The dataset: deterministic job generation from a seed, and the JSON bodies served.

#include "mock_api/scenario.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mock_api {

/// How to generate jobs when a scenario does not list them.
struct generate_spec {
    int count = 10;
    double completed_share = 0.4; ///< share of jobs whose detail status is completed
    bool odd_status_case = true;  ///< " Completed", "COMPLETED\t" ... as the contract allows
    bool extra_fields = true;     ///< unknown fields in list and detail bodies
    bool stale_list = true;       ///< some list statuses disagree with the detail
};

/// Deterministic: the same spec and seed give the same jobs on every machine (our own
/// splitmix64, not <random>'s distributions, whose output is implementation-defined).
std::vector<job> generate_jobs(const generate_spec& spec, std::uint64_t seed);

/// A stateless 64-bit mix of (seed, value): the source of every seeded choice.
std::uint64_t seeded_hash(std::uint64_t seed, std::uint64_t value);

/// `GET /jobs` body: [{"id", "name", "status" (list status), extras}...].
std::string list_body(const std::vector<job>& jobs);
/// `GET /jobs/{id}` body: {"id","name","status","owner","duration_ms","finished_at", extras}.
std::string detail_body(const job& j);
/// A body that is not valid JSON (the malformed fault): a valid prefix, then garbage.
std::string malformed_body(const std::string& body);

} // namespace mock_api
