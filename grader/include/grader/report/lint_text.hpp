#pragma once
// The static findings as text, one per line ("src/main.rs:64:5: error [rule] message"), then
// a count: what `grader lint` prints by default, for a candidate before submitting.

#include "grader/model/result.hpp"

#include <string>

namespace grader {

std::string render_lint_text(const grade_result& result, bool color);

} // namespace grader
