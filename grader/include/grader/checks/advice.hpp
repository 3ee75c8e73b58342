#pragma once
// Findings that teach: every failed check gets two or three plain sentences for the candidate:
// what was observed (with the figure), where in their code (file:line from the static or
// dynamic evidence, when there is one), and what to change, in the vocabulary of their
// language (tokio, the C++ runtime rt::, Node, Python asyncio, shell). The "what to change"
// texts are data: one entry per finding id and language (src/checks/advice.cpp).

#include "grader/model/result.hpp"

#include <string>
#include <string_view>

namespace grader {

/// "rust", "cpp", "node", "python", "shell" for what a submission declares ("javascript",
/// "js" and "typescript" are node; "py" and "python3" python); anything else unchanged.
std::string advice_language(std::string_view language);

/// What to change for `finding_id` in `language`: the entry for that language, else the one
/// for any language; empty when the table has neither.
std::string_view advice_fix(std::string_view finding_id, std::string_view language);

/// Fills `advice` of every failed check of `result` from its findings, its evidence and the
/// static findings (reads the result model only).
void add_advice(grade_result& result);

} // namespace grader
