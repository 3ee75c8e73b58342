#include "grader/report/renderer.hpp"

#include "grader/report/json.hpp"
#include "grader/report/lint_text.hpp"
#include "grader/report/sarif.hpp"
#include "grader/report/terminal.hpp"

#include <array>

namespace grader {

namespace {

std::string terminal(const grade_result& r, const render_options& o) {
    return render_terminal(r, o.color);
}

std::string json(const grade_result& r, const render_options&) { return render_json(r); }

std::string sarif(const grade_result& r, const render_options&) { return render_sarif(r); }

std::string text(const grade_result& r, const render_options& o) {
    return render_lint_text(r, o.color);
}

constexpr std::array<renderer, 4> table{{
    {"terminal", "the reviewer's report: one line per check, findings under failures", terminal},
    {"json", "the result model (schema in grader/README.md)", json},
    {"sarif", "SARIF 2.1.0 for code scanning: static and located runtime findings", sarif},
    {"text", "the static findings, one per line (what lint prints)", text},
}};

} // namespace

std::span<const renderer> renderers() { return table; }

const renderer* find_renderer(std::string_view format) {
    for (const auto& r : table) {
        if (r.format == format) {
            return &r;
        }
    }
    return nullptr;
}

} // namespace grader
