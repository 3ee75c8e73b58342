#pragma once
// Terminal renderer: one line per check (✓/✗, points, one-line evidence), findings under
// failed checks, and the total.

#include "grader/model/result.hpp"

#include <string>

namespace grader {

/// `color`: ANSI colours (only when writing to a terminal).
std::string render_terminal(const grade_result& result, bool color);

} // namespace grader
