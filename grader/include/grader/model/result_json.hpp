#pragma once
// The result model as JSON (schema in grader/README.md, "Result model"). Writing is total;
// reading tolerates unknown fields and missing optional ones, so a result saved by another
// version of the grader still renders.

#include "common/result.hpp"
#include "grader/model/result.hpp"

#include <cstddef>
#include <limits>
#include <nlohmann/json.hpp>

namespace grader {

nlohmann::json to_json(const finding& f);
finding finding_from_json(const nlohmann::json& j);

/// `text_cap`: stdout/stderr beyond it are cut and counted in *_truncated_bytes (the result
/// shows 64 KiB; the sandbox's own outcome file keeps everything).
nlohmann::json to_json(const run_outcome& o,
                       std::size_t text_cap = std::numeric_limits<std::size_t>::max());
run_outcome run_outcome_from_json(const nlohmann::json& j);

nlohmann::json to_json(const blocking_evidence& b);
blocking_evidence blocking_from_json(const nlohmann::json& j);

nlohmann::json to_json(const static_analysis& a);
static_analysis static_analysis_from_json(const nlohmann::json& j);

nlohmann::json to_json(const isolation_report& i);
isolation_report isolation_from_json(const nlohmann::json& j);

nlohmann::json to_json(const fanout_evidence& f, bool with_requests);
fanout_evidence fanout_from_json(const nlohmann::json& j);

nlohmann::json to_json(const runtime_trace_evidence& t);
runtime_trace_evidence runtime_trace_from_json(const nlohmann::json& j);

nlohmann::json to_json(const grade_result& r);
/// Reads a saved result. Fails (errc::invalid_input) when it is not a result at all: not an
/// object, or no schema_version.
common::result<grade_result> grade_result_from_json(const nlohmann::json& j);

} // namespace grader
