#pragma once
// The reviewer's HTML report: one self-contained page (inline CSS and SVG, no script, no
// external request; a Content-Security-Policy says so to the browser), readable offline and in
// print. Total and pass mark; the checks with points and one-line evidence; each failed check
// explained, with its findings and the candidate's source lines around them; per scenario the
// fan-out figures, a request timeline (one bar per journaled request, coloured by outcome or
// fault, the ideal window and the peak drawn over them) and stdout/stderr; the isolation in
// force. A candidate's self-check (mode "check") names no hidden scenario, only their number.
// Every string from the result is escaped (escape.hpp): nothing the candidate prints can add
// markup, script or style to the page.

#include "grader/model/result.hpp"

#include <string>

namespace grader {

std::string render_html(const grade_result& result);

} // namespace grader
