#pragma once
// Checks: evidence in, a scored verdict with a one-line summary and located findings out.
// One evaluator per category (src/checks/<category>.cpp); each reads only evidence, never
// the runner, the sandbox or the renderers.

#include "grader/evidence/gather.hpp"
#include "grader/model/result.hpp"
#include "grader/rubric.hpp"

#include <string>
#include <vector>

namespace grader {

/// The build check (category build).
check_result evaluate_build(const check_spec& check, const build_evidence& build);

/// A scenario check (output, concurrency, errors, crash, timeout).
check_result evaluate(const check_spec& check, const scenario_evidence& ev);

/// The blocking check (category blocking): every run's dynamic evidence of a blocking call in
/// async code, and the static findings of one. `runs` are the runs it judges (the rubric's
/// `scenarios`, all by default) that ran.
check_result evaluate_blocking(const check_spec& check,
                               const std::vector<const scenario_evidence*>& runs,
                               const static_analysis& statics);

/// A scenario check whose scenario could not run (build failed, sandbox error).
check_result not_run(const check_spec& check, const std::string& scenario, const std::string& why);

} // namespace grader
