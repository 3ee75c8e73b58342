#pragma once
// What every evaluator shares: starting a result, scoring a share of criteria, adding a
// finding, and the small formatting the summaries use.

#include "grader/evidence/gather.hpp"
#include "grader/model/result.hpp"
#include "grader/rubric.hpp"

#include <string>

namespace grader::checks {

/// An unscored result of `check` on `scenario` ("<check>/<scenario>").
check_result start(const check_spec& check, const std::string& scenario);

/// Points for a share of criteria met: all-or-nothing unless the check allows partial credit.
void score(check_result& r, const check_spec& check, double share);

/// Adds an unlocated finding.
void add_finding(check_result& r,
                 const std::string& id,
                 const std::string& message,
                 const std::string& detail = "",
                 severity level = severity::error);

/// `v` with `digits` decimals.
std::string fixed(double v, int digits);

/// Only whitespace (or nothing).
bool blank(const std::string& s);

/// "exit 0", "killed by SIGSEGV", "killed at the 10.0 s deadline".
std::string how_it_ended(const run_outcome& run);

// One evaluator per category, each in its own file.
void evaluate_output(check_result& r, const check_spec& check, const scenario_evidence& ev);
void evaluate_concurrency(check_result& r, const check_spec& check, const scenario_evidence& ev);
void evaluate_errors(check_result& r, const check_spec& check, const scenario_evidence& ev);
void evaluate_crash(check_result& r, const check_spec& check, const scenario_evidence& ev);
void evaluate_timeout(check_result& r, const check_spec& check, const scenario_evidence& ev);

} // namespace grader::checks
