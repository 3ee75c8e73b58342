#pragma once
// JSON renderer: the result model as documented in grader/README.md ("Result model").

#include "grader/model/result.hpp"

#include <string>

namespace grader {

/// Pretty-printed, newline-terminated; invalid UTF-8 from the candidate is replaced.
std::string render_json(const grade_result& result);

} // namespace grader
