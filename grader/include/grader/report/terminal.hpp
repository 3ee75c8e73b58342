#pragma once
// Terminal renderer: one line per check (✓/✗, points, one-line evidence), findings under
// failed checks, and the total. The sandbox measures that were not in force are listed under
// the header. Text that can come from the candidate is shown with its control characters
// escaped (ESC as \e, C1 controls as \u{009b}): nothing it wrote can drive the terminal.

#include "grader/model/result.hpp"

#include <string>

namespace grader {

/// `color`: ANSI colours (only when writing to a terminal).
std::string render_terminal(const grade_result& result, bool color);

} // namespace grader
