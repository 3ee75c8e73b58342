#include "grader/report/lint_text.hpp"

#include <sstream>

namespace grader {

std::string render_lint_text(const grade_result& r, bool color) {
    const auto paint = [color](const std::string& code, const std::string& text) {
        return color ? "\x1b[" + code + "m" + text + "\x1b[0m" : text;
    };
    std::ostringstream out;
    std::size_t errors = 0;
    for (const auto& f : r.statics.findings) {
        const bool error = f.level == severity::error;
        errors += error ? 1 : 0;
        out << f.file << ":" << f.line << ":" << f.column << ": "
            << paint(error ? "31" : "33", to_string(f.level)) << " [" << f.id << "] " << f.message
            << "\n";
    }
    for (const auto& e : r.statics.errors) {
        out << "note: " << e << "\n";
    }
    out << r.statics.findings.size() << " finding(s), " << errors << " error(s) in "
        << r.statics.files.size() << " file(s)\n";
    return out.str();
}

} // namespace grader
