#pragma once
// Gradescope's autograder results.json (gradescope/autograder_samples, docs/specs.md): the
// total `score`, `execution_time` (seconds), an `output` line, a test per check (`score`,
// `max_score`, `status` passed/failed, `name`, `number`, `output` with the evidence and the
// findings, `tags` with the category, `visibility` from the check's scenario: a hidden
// scenario's checks are "hidden", the others "visible") and a `leaderboard`.

#include "grader/model/result.hpp"

#include <string>

namespace grader {

std::string render_gradescope(const grade_result& result);

} // namespace grader
