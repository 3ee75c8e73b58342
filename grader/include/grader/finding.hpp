#pragma once
// A finding: one located observation that explains a check's verdict (a compiler error, a
// panic at src/main.rs:42:10, a missing id). Renderers show them; later analyses (blocking
// calls, static rules) add more of the same shape.

#include <nlohmann/json.hpp>
#include <string>

namespace grader {

enum class severity { info, warning, error };

struct finding {
    std::string id; ///< stable kind, e.g. "rust-panic", "missing-id", "build-error"
    severity level = severity::error;
    std::string file; ///< source file when known (relative to the submission)
    int line = 0;     ///< 1-based; 0 when unknown
    int column = 0;
    std::string message; ///< one line, plain English
    std::string detail;  ///< optional longer text (compiler output, excerpt)
};

std::string to_string(severity s);
nlohmann::json to_json(const finding& f);

} // namespace grader
