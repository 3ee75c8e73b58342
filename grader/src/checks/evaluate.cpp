// The table from category to evaluator, and the checks that need no evidence of a run.

#include "grader/checks/checks.hpp"
#include "scoring.hpp"

#include <array>

namespace grader {

namespace {

using evaluator = void (*)(check_result&, const check_spec&, const scenario_evidence&);

constexpr std::array<std::pair<category, evaluator>, 5> scenario_evaluators{{
    {category::output, checks::evaluate_output},
    {category::concurrency, checks::evaluate_concurrency},
    {category::errors, checks::evaluate_errors},
    {category::crash, checks::evaluate_crash},
    {category::timeout, checks::evaluate_timeout},
}};

} // namespace

check_result evaluate(const check_spec& check, const scenario_evidence& ev) {
    check_result r = checks::start(check, ev.scenario);
    for (const auto& [what, evaluate_one] : scenario_evaluators) {
        if (what == check.what) {
            evaluate_one(r, check, ev);
            return r;
        }
    }
    r.summary = "no evaluator for category " + to_string(check.what);
    return r;
}

check_result not_run(const check_spec& check, const std::string& scenario, const std::string& why) {
    check_result r = checks::start(check, scenario);
    r.summary = "not run: " + why;
    return r;
}

} // namespace grader
