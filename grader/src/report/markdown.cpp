#include "grader/report/markdown.hpp"

#include "grader/report/escape.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace grader {

namespace {

std::string points(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", std::isfinite(v) ? std::round(v * 10) / 10 : 0.0);
    return buf;
}

std::string cut(std::string_view text, std::size_t cap) {
    if (text.size() <= cap) {
        return std::string(text);
    }
    std::size_t at = cap;
    while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xc0) == 0x80) {
        --at;
    }
    return std::string(text.substr(0, at)) + " ...";
}

void write_findings(std::ostringstream& out, const check_result& c) {
    out << "\n**" << markdown_escaped(c.id) << "**: " << markdown_escaped(cut(c.summary, 400))
        << "\n";
    std::size_t shown = 0;
    for (const auto& f : c.findings) {
        if (++shown > 10) {
            out << "- ... " << c.findings.size() - 10 << " more\n";
            break;
        }
        out << "- ";
        if (!f.file.empty()) {
            out << markdown_escaped(f.file) << (f.line > 0 ? ":" + std::to_string(f.line) : "")
                << ": ";
        }
        out << markdown_escaped(cut(f.message, 400)) << "\n";
        if (f.explained) {
            const auto& e = *f.explained;
            out << "  - " << markdown_escaped(e.code) << ": " << markdown_escaped(cut(e.text, 800))
                << "\n";
            if (!e.before.empty() && !e.after.empty()) {
                out << "  - line " << e.fix_line << " before: " << markdown_escaped(e.before)
                    << "; after: " << markdown_escaped(e.after) << "\n";
            }
        }
    }
    if (!c.advice.empty()) {
        out << "\n" << markdown_escaped(cut(c.advice, 800)) << "\n";
    }
}

} // namespace

std::string markdown_escaped(std::string_view text) {
    // printable() turns newlines into \n: a candidate cannot end a table row or start a block.
    const std::string clean = printable(text);
    std::string out;
    for (const char c : clean) {
        if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else if (c == '&') {
            out += "&amp;";
        } else if (std::string_view("\\`*_{}[]()#+-.!|~\"'").find(c) != std::string_view::npos) {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    return out;
}

std::string render_markdown(const grade_result& r) {
    std::ostringstream out;
    out << "## " << (r.passed ? "✅" : "❌") << " " << markdown_escaped(r.submission_name) << ": "
        << (r.passed ? "passed" : "not passed") << ", " << points(r.score) << "/"
        << points(r.max_score) << " (pass mark " << points(r.pass_mark * r.max_score) << ")\n\n";
    if (!r.gates_failed.empty()) {
        out << "Failed gates:";
        for (const auto& g : r.gates_failed) {
            out << " " << markdown_escaped(g);
        }
        out << "\n\n";
    }
    out << "| | check | points | evidence |\n|---|---|---|---|\n";
    for (const auto& c : r.checks) {
        out << "| " << (c.passed ? "✅" : "❌") << " | " << markdown_escaped(c.id)
            << (c.gate ? " (gate)" : "") << " | " << points(c.points) << "/" << points(c.max_points)
            << " | " << markdown_escaped(cut(c.summary, 200)) << " |\n";
    }
    bool any_failed = false;
    for (const auto& c : r.checks) {
        if (!c.passed) {
            out << (any_failed ? "" : "\n### Failed checks\n");
            any_failed = true;
            write_findings(out, c);
        }
    }
    out << "\n<sub>rubric " << markdown_escaped(r.rubric_name) << " "
        << markdown_escaped(r.rubric_version) << "; isolation: " << markdown_escaped(r.isolation);
    if (r.hidden_scenarios_not_run > 0) {
        out << "; " << r.hidden_scenarios_not_run
            << " hidden scenario(s) run only in the full grading";
    }
    out << "</sub>\n";
    return out.str();
}

} // namespace grader
