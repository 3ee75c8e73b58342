#pragma once
// A finding: one located observation that explains a check's verdict (a compiler error, a
// panic at src/main.rs:42:10, a missing id, a blocking call). Renderers show them; every
// analysis adds findings of this shape.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grader {

enum class severity { info, warning, error };
std::string to_string(severity s);
/// "info" | "warning" | "error"; anything else reads as error.
severity severity_from_string(std::string_view name);

/// A few lines of the candidate's source around a finding, taken at grade time so that a
/// saved result renders a full report without the submission.
struct source_excerpt {
    int first_line = 0;             ///< 1-based number of lines.front()
    std::vector<std::string> lines; ///< the finding's line is finding::line
};

/// What a compiler diagnostic means and the smallest fix, in plain English (the explainer:
/// grader/diagnostics/explain.hpp). Filled from the diagnostic's own spans and labels, so it
/// names the candidate's variable, type and line.
struct explanation {
    std::string code;   ///< "E0373", "future-not-send", "unused_must_use", "cpp-task-not-awaited"
    std::string title;  ///< one line
    std::string text;   ///< two or three sentences naming the variable, type and line
    int fix_line = 0;   ///< the line `before` is, 0 when none
    std::string before; ///< the candidate's own line, as compiled
    std::string after;  ///< that line with the smallest fix (may be two lines)
};

struct finding {
    std::string id; ///< stable kind, e.g. "rust-panic", "missing-id", "build-error"
    severity level = severity::error;
    std::string file; ///< source file when known (relative to the submission)
    int line = 0;     ///< 1-based; 0 when unknown
    int column = 0;
    std::string message;                     ///< one line, plain English
    std::string detail;                      ///< optional longer text (compiler output, excerpt)
    std::optional<source_excerpt> excerpt{}; ///< lines around file:line, when located
    /// Which evidence sources saw it, when several could ("probe", "static", ...).
    std::vector<std::string> sources{};
    std::optional<explanation> explained{}; ///< a compiler diagnostic the explainer knows
};

} // namespace grader
