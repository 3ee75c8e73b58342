#pragma once
// SARIF 2.1.0 renderer, the format GitHub code scanning and other CI tools read: one run of
// the grader as the tool, a rule per static rule that fired and per kind of located runtime
// finding, and a result per located finding (static findings, and failed checks' findings
// with a file and line), with partial fingerprints so that a finding keeps its identity
// across runs.

#include "grader/model/result.hpp"

#include <string>

namespace grader {

std::string render_sarif(const grade_result& result);

} // namespace grader
