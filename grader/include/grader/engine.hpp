#pragma once
// The grading engine: submission + rubric -> build -> scenario runs -> evidence -> checks ->
// scores -> result model. Knows nothing about how results are shown.

#include "common/result.hpp"
#include "grader/result.hpp"
#include "grader/rubric.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace grader {

struct grade_options {
    std::filesystem::path submission_dir;
    std::vector<std::string> only_scenarios; ///< empty: every selected scenario
    bool visible_only = false;               ///< candidate self-check: hidden ones are masked
    std::string mode = "grade";
    std::filesystem::path work_root; ///< empty: a new directory under the system temp dir
    bool keep_workdir = false;
    std::filesystem::path cache_dir;      ///< warm dependency builds
    std::filesystem::path supervisor_exe; ///< this grader binary (runs `__sandbox`)
    std::filesystem::path mock_exe;       ///< the mock_api executable
    /// Directory holding takehome_runtime-config.cmake (C++ submissions find the runtime
    /// there); empty: C++ builds get no runtime package.
    std::filesystem::path runtime_package_dir;
};

/// Grades a submission. Errors are for input problems (not a submission, unknown scenario:
/// errc::invalid_input) and the grader's own failures (errc::io / internal); everything the
/// submission does wrong, a failed build included, is a scored result.
common::result<grade_result> grade(const rubric& rb, const grade_options& options);

/// Where, in a run's evidence directory, the C++ runtime writes its trace (RT_TRACE_FILE).
inline constexpr const char* runtime_trace_file = "rt-trace.jsonl";

/// The environment a candidate's program sees (JOBS_API_URL is added per run).
std::map<std::string, std::string> candidate_environment(const std::filesystem::path& run_dir);

} // namespace grader
