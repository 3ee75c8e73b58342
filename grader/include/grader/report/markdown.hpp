#pragma once
// GitHub-flavoured Markdown for a job summary ($GITHUB_STEP_SUMMARY) or a pull-request
// comment: the verdict and score, a table of checks, and under it each failed check's
// findings. Candidate text is escaped for Markdown and for the HTML GitHub allows inside it
// (markdown_escaped): it renders as text, one line, never as markup, links or images.

#include "grader/model/result.hpp"

#include <string>
#include <string_view>

namespace grader {

/// `text` on one line with Markdown's punctuation backslash-escaped and <, >, & as character
/// references.
std::string markdown_escaped(std::string_view text);

std::string render_markdown(const grade_result& result);

} // namespace grader
