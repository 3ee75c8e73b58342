#pragma once
// The result model: the one contract between the grading engine and every renderer.
// Versioned (schema_version) and documented in grader/README.md; renderers read only this.

#include "grader/evidence.hpp"
#include "grader/finding.hpp"
#include "grader/rubric.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace grader {

inline constexpr int result_schema_version = 1;
inline constexpr const char* grader_version = "0.1.0";

struct check_result {
    std::string id;    ///< "<check id>" or "<check id>/<scenario>"
    std::string check; ///< the rubric's check id
    category what = category::build;
    std::optional<std::string> scenario;
    bool passed = false;
    double points = 0;
    double max_points = 0;
    bool gate = false;   ///< failing it fails the submission
    std::string summary; ///< one line
    nlohmann::json evidence = nlohmann::json::object();
    std::vector<finding> findings;
};

struct scenario_result {
    std::string name;
    visibility vis = visibility::visible;
    double deadline_s = 0;
    bool ran = false;
    std::string not_run_reason;
    sandbox_outcome outcome;
    fanout_evidence fanout;
    runtime_trace_evidence runtime_trace; ///< RT_TRACE_FILE, when the submission used the runtime
    /// Files the run left in its evidence directory (name, bytes): the runtime trace today,
    /// probes' logs later.
    std::vector<std::pair<std::string, std::uintmax_t>> evidence_files;
    std::string run_dir;   ///< kept only with --keep-workdir
    double overhead_s = 0; ///< sandbox + mock + analysis beyond the candidate's own wall time
};

struct build_result {
    bool ok = false;
    std::string language;
    std::string toolchain;
    std::string cache;
    double seconds = 0;
    std::string summary;
    std::string isolation;
};

struct grade_result {
    std::string mode; ///< grade | check
    std::string submission_path;
    std::string submission_name;
    std::string rubric_name;
    std::string rubric_version;
    std::string rubric_file;
    std::string rubric_hash;
    std::string isolation;
    build_result build;
    std::vector<scenario_result> scenarios;
    std::vector<check_result> checks;
    int hidden_scenarios_not_run = 0;
    std::string work_dir; ///< builds and run directories, when kept (--keep-workdir)
    double score = 0;
    double max_score = 0;
    double pass_mark = 0; ///< share of max_score
    bool passed = false;
    std::vector<std::string> gates_failed; ///< failed checks marked as gates

    nlohmann::json to_json() const;
};

/// Fills score, max_score, gates_failed and passed from the checks (deterministic): passed
/// needs the pass mark and no failed gate.
void total_scores(grade_result& result);

} // namespace grader
