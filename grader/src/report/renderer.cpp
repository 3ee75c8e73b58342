#include "grader/report/renderer.hpp"

#include "grader/report/batch_summary.hpp"
#include "grader/report/github.hpp"
#include "grader/report/gradescope.hpp"
#include "grader/report/html.hpp"
#include "grader/report/json.hpp"
#include "grader/report/junit.hpp"
#include "grader/report/lint_text.hpp"
#include "grader/report/markdown.hpp"
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

std::string html(const grade_result& r, const render_options&) { return render_html(r); }

std::string junit(const grade_result& r, const render_options&) { return render_junit(r); }

std::string gradescope(const grade_result& r, const render_options&) {
    return render_gradescope(r);
}

std::string markdown(const grade_result& r, const render_options&) { return render_markdown(r); }

std::string github(const grade_result& r, const render_options&) { return render_github(r); }

std::string csv(const grade_result& r, const render_options&) {
    return render_batch_csv({{r.submission_name, r}});
}

constexpr std::array<renderer, 10> table{{
    {"terminal", "the reviewer's report: one line per check, findings under failures", terminal},
    {"json", "the result model (schema in grader/README.md)", json},
    {"html", "a self-contained HTML page: checks, findings with source, request timelines", html},
    {"junit", "JUnit XML: a testsuite per submission, a testcase per check", junit},
    {"gradescope", "Gradescope's autograder results.json", gradescope},
    {"sarif", "SARIF 2.1.0 for code scanning: static and located runtime findings", sarif},
    {"markdown", "a Markdown summary (for $GITHUB_STEP_SUMMARY)", markdown},
    {"github", "GitHub Actions annotations (::error file=,line=::) for located findings", github},
    {"text", "the static findings, one per line (what lint prints)", text},
    {"csv", "a CSV row with a header: score, total, passed, points per category", csv},
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
