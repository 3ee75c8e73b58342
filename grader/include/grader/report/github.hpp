#pragma once
// GitHub Actions workflow commands: one `::error file=F,line=L,col=C,title=T::message` line
// (`::warning`, `::notice` by severity) per located finding (the static ones, and those of
// failed checks), which GitHub shows on the pull request's diff; then a `::notice` with the
// score. Values are escaped by the workflow-command rules (github_escaped): a candidate's text
// cannot end the line and issue a command of its own.

#include "grader/model/result.hpp"

#include <string>
#include <string_view>

namespace grader {

/// A workflow command's message: % as %25, \r as %0D, \n as %0A. A property value
/// (`property`) also has : as %3A and , as %2C.
std::string github_escaped(std::string_view text, bool property);

std::string render_github(const grade_result& result);

} // namespace grader
