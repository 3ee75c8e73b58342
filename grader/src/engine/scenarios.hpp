#pragma once
// Which of a rubric's scenarios a grading runs.

#include "common/result.hpp"
#include "grader/engine.hpp"

#include <vector>

namespace grader::engine {

/// The scenarios to run, in rubric order: all, or those named (an unknown name is an error
/// with a suggestion); hidden ones are masked in a self-check and counted in `hidden_skipped`.
common::result<std::vector<const scenario_spec*>>
select_scenarios(const rubric& rb, const grade_options& options, int& hidden_skipped);

} // namespace grader::engine
