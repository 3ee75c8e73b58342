#pragma once
// Checks: evidence in, a scored verdict with a one-line summary and located findings out.
// One evaluator per category; each reads only evidence, never the runner or the renderers.

#include "grader/build.hpp"
#include "grader/evidence.hpp"
#include "grader/result.hpp"
#include "grader/rubric.hpp"

#include <string>

namespace grader {

/// Everything a scenario run showed, as the checks see it.
struct scenario_evidence {
    const scenario_spec& spec;
    const sandbox_outcome& run;
    const fanout_evidence& fanout;
    const mock_api::oracle& oracle;
    std::vector<finding> crashes;
    parsed_stdout report;
};

scenario_evidence gather_evidence(const scenario_spec& spec,
                                  const sandbox_outcome& run,
                                  const fanout_evidence& fanout,
                                  const mock_api::oracle& oracle);

check_result evaluate_build(const check_spec& check, const build_outcome& build);
/// Evaluates a scenario check (output, concurrency, errors, crash, timeout).
check_result evaluate(const check_spec& check, const scenario_evidence& ev);
/// A scenario check whose scenario could not run (build failed, sandbox error).
check_result not_run(const check_spec& check, const std::string& scenario, const std::string& why);

} // namespace grader
