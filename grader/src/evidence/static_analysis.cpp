#include "grader/evidence/static_analysis.hpp"

#include "analysis/analysis.hpp"
#include "grader/evidence/untrusted.hpp"

#include <algorithm>

namespace grader {

namespace {

severity level_of(const std::string& name) {
    if (name == "error") {
        return severity::error;
    }
    return name == "warning" ? severity::warning : severity::info;
}

void add_rule(const tg::analysis::static_finding& f, static_analysis& out) {
    const bool known = std::any_of(
        out.rules.begin(), out.rules.end(), [&](const static_rule& r) { return r.id == f.rule; });
    if (known) {
        return;
    }
    std::string summary;
    for (const auto& d : tg::analysis::rule_set::builtin().rules()) {
        if (d.id == f.rule) {
            summary = d.message;
        }
    }
    out.rules.push_back({f.rule, f.category, f.severity, summary, f.explanation});
}

} // namespace

static_analysis analyse_sources(const std::filesystem::path& dir) {
    const auto report = tg::analysis::analyse_directory(dir);
    static_analysis out;
    out.ran = true;
    out.files = report.files_analysed;
    out.errors = report.errors;
    for (const auto& s : report.skipped) {
        out.errors.push_back(s.file + ": skipped: " + s.reason);
    }
    for (const auto& f : report.findings) {
        add_rule(f, out);
        finding located{f.rule,
                        level_of(f.severity),
                        f.file,
                        f.line,
                        f.column,
                        f.message,
                        f.explanation,
                        read_source_excerpt(dir, f.file, f.line),
                        {"static"}};
        out.findings.push_back(std::move(located));
    }
    return out;
}

} // namespace grader
