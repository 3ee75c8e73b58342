#pragma once
// The oracle: what a correct submission prints for a scenario, derived from the same data the
// server serves. Where the contract leaves a choice (retrying a 429 or not), the oracle is a
// set of acceptable outputs, described compactly by the ids that may go either way.

#include "mock_api/scenario.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mock_api {

/// A detail (or the list) that fails, or may fail, and why, in words a reviewer reads.
struct expected_failure {
    std::int64_t id = 0;
    std::string reason;
};

enum class list_expectation {
    succeeds, ///< the run must exit 0 with the JSON report
    fails,    ///< the run must exit 1 with nothing on stdout
    either,   ///< a rate-limited list: retried (exit 0) or given up on (exit 1)
};

struct oracle {
    std::string scenario;
    list_expectation list = list_expectation::succeeds;
    std::string list_failure_reason;         ///< when the list fails or may fail
    std::vector<expected_failure> must_fail; ///< sorted by id
    std::vector<expected_failure> may_fail;  ///< sorted by id
    /// The report when the list succeeds and every may-fail id succeeded.
    nlohmann::json expected = nlohmann::json::object();

    /// The report for one choice: the given may-fail ids failed, the others succeeded.
    nlohmann::json report_with(const std::vector<std::int64_t>& failed_optional) const;
    /// Every acceptable outcome as {"exit_code", "stdout"}, or an empty list when there
    /// are more than `limit` (the compact form still describes them).
    nlohmann::json acceptable_outcomes(std::size_t limit = 64) const;
    /// What `--print-expected` shows; format in mock_api/README.md.
    nlohmann::json to_json() const;

    /// Differences between a submission's stdout report and the acceptable set, in words
    /// ("missing completed job 7"); empty when the report is acceptable.
    std::vector<std::string> differences(const nlohmann::json& report) const;
};

/// Trimmed, lower-cased status, as the contract normalises it.
std::string normalize_status(const std::string& status);

/// Computes the oracle for a validated scenario.
oracle compute_oracle(const scenario& s);

} // namespace mock_api
