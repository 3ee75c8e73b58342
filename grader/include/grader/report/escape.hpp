#pragma once
// Candidate text made safe for the place a renderer puts it. Everything a submission controls
// (its output, file names, source lines, compiler messages quoted in summaries) goes through
// one of these before it reaches a terminal, a page or an XML file.

#include <string>
#include <string_view>

namespace grader {

/// `text` with everything that could act instead of show escaped: C0 controls and DEL as
/// \e, \n, \xNN (line feeds, carriage returns and tabs kept when `keep_lines`), C1 controls and
/// the bidirectional overrides as \u{NNNN}, bytes that are not UTF-8 as \xNN. The result is
/// valid UTF-8 with no control character but (when kept) those three: what XML 1.0 allows.
std::string printable(std::string_view text, bool keep_lines = false);

/// printable(text, keep_lines) with &, <, >, ", ' and a carriage return as character
/// references: safe in HTML and XML text and in quoted attribute values.
std::string markup_escaped(std::string_view text, bool keep_lines = false);

} // namespace grader
