#pragma once
// The grading engine: submission + rubric -> build -> scenario runs -> evidence -> checks ->
// scores -> result model. It runs nothing itself (a `runner` does) and knows nothing about
// how results are shown (renderers do).

#include "common/result.hpp"
#include "grader/model/result.hpp"
#include "grader/rubric.hpp"
#include "grader/runner.hpp"

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
};

/// Grades a submission. Errors are for input problems (not a submission, unknown scenario:
/// errc::invalid_input) and the grader's own failures (errc::io / internal); everything the
/// submission does wrong, a failed build included, is a scored result.
common::result<grade_result> grade(const rubric& rb, const grade_options& options, runner& run);

/// The result of a grading that did not complete: who and what was graded, and why it stopped
/// (`grading_error`), so that a caller can still write it (nothing is lost, even then).
grade_result unfinished_result(const rubric& rb, const grade_options& options, std::string why);

/// Removes work roots ("takehome-grader-<pid>-...") in `temp_dir` whose grader is no longer
/// running (killed before it could clean up). Gradings side by side, and work roots kept with
/// --keep-workdir (marked by a .keep file), are left alone.
void sweep_stale_work_roots(const std::filesystem::path& temp_dir);

} // namespace grader
