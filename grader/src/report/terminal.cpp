#include "grader/report/terminal.hpp"

#include "grader/report/escape.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string_view>

namespace grader {

namespace {

// Text from the candidate (summaries and findings quote its output; its manifest names the
// language) reaches the reviewer's terminal: control characters would move the cursor, clear
// the screen, set the title or the clipboard, and a newline could forge a verdict line.
std::string visible(std::string_view text) { return printable(text); }

std::string points(double v) {
    std::ostringstream s;
    if (std::abs(v - std::round(v)) < 1e-9) {
        s << static_cast<long long>(std::llround(v));
    } else {
        s.setf(std::ios::fixed);
        s.precision(1);
        s << v;
    }
    return s.str();
}

std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) {
        s.append(width - s.size(), ' ');
    }
    return s;
}

std::string paint(bool color, const std::string& code, const std::string& text) {
    return color ? "\x1b[" + code + "m" + text + "\x1b[0m" : text;
}

// "before"/"after" text, a line of the candidate's each, continuation lines aligned.
void write_fix_lines(std::ostringstream& out, const std::string& label, const std::string& text) {
    std::string_view rest(text);
    bool first = true;
    while (true) {
        const auto nl = rest.find('\n');
        out << (first ? "          " + label : std::string(10 + label.size(), ' '))
            << visible(rest.substr(0, nl)) << "\n";
        first = false;
        if (nl == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(nl + 1);
    }
}

// What a compiler diagnostic means and the smallest fix (the explainer).
void write_explanation(std::ostringstream& out, const explanation& e) {
    out << "        " << visible(e.code) << ": " << visible(e.title) << "\n";
    out << "        " << visible(e.text) << "\n";
    if (!e.before.empty() && !e.after.empty()) {
        write_fix_lines(out, "line " + std::to_string(e.fix_line) + " before: ", e.before);
        write_fix_lines(
            out, std::string(std::to_string(e.fix_line).size() + 6, ' ') + "after:  ", e.after);
    }
}

// Up to five findings of a failed check, located where they can be.
void write_findings(std::ostringstream& out, const check_result& c) {
    std::size_t shown = 0;
    for (const auto& f : c.findings) {
        if (++shown > 5) {
            out << "      ... " << c.findings.size() - 5 << " more\n";
            break;
        }
        out << "      - ";
        if (!f.file.empty()) {
            out << visible(f.file);
            if (f.line > 0) {
                out << ":" << f.line;
            }
            out << ": ";
        }
        out << visible(f.message) << "\n";
        if (f.explained) {
            write_explanation(out, *f.explained);
        }
    }
    if (!c.passed && !c.advice.empty()) {
        out << "      what to do: " << visible(c.advice) << "\n";
    }
}

// Findings the explainer knows under a check that passed (a future never awaited is a
// warning: the build passes, and the explanation says why the output will not).
void write_explained(std::ostringstream& out, const check_result& c) {
    for (const auto& f : c.findings) {
        if (f.explained) {
            out << "      - " << visible(f.file) << (f.line > 0 ? ":" + std::to_string(f.line) : "")
                << ": " << visible(f.message) << "\n";
            write_explanation(out, *f.explained);
        }
    }
}

void write_checks(std::ostringstream& out, const grade_result& r, bool color) {
    std::size_t width = 0;
    for (const auto& c : r.checks) {
        width = std::max(width, visible(c.id).size());
    }
    for (const auto& c : r.checks) {
        const std::string mark = c.passed ? paint(color, "32", "✓") : paint(color, "31", "✗");
        out << "  " << mark << " " << pad(visible(c.id) + (c.gate ? " *" : ""), width + 2) << "  "
            << pad(points(c.points) + "/" + points(c.max_points), 7) << "  " << visible(c.summary)
            << "\n";
        if (!c.passed) {
            write_findings(out, c);
        } else {
            write_explained(out, c);
        }
    }
    out << "\n";
}

// The notes under the table, then the score and the verdict.
void write_verdict(std::ostringstream& out, const grade_result& r, bool color) {
    if (std::any_of(
            r.checks.begin(), r.checks.end(), [](const check_result& c) { return c.gate; })) {
        out << "  (* a gate: failing it fails the submission whatever the score)\n";
    }
    if (!r.work_dir.empty()) {
        out << "  (work directory kept: " << visible(r.work_dir) << ")\n";
    }
    if (r.hidden_scenarios_not_run > 0) {
        out << "  (" << r.hidden_scenarios_not_run << " hidden scenario"
            << (r.hidden_scenarios_not_run > 1 ? "s" : "")
            << " will be added in the full grading)\n";
    }
    if (!r.grading_error.empty()) {
        out << paint(color, "31;1", "grading did not complete: ") << visible(r.grading_error)
            << "\n";
    }
    std::string verdict =
        r.passed ? paint(color, "32;1", "PASSED") : paint(color, "31;1", "NOT PASSED");
    for (std::size_t i = 0; i < r.gates_failed.size(); ++i) {
        verdict += (i == 0 ? " (failed gate: " : ", ") + visible(r.gates_failed[i]);
        verdict += i + 1 == r.gates_failed.size() ? ")" : "";
    }
    out << "score " << points(r.score) << "/" << points(r.max_score) << " (pass mark "
        << points(r.pass_mark * r.max_score) << "): " << verdict << "\n";
}

// The rubric and the sandbox; measures that were not in force are listed where the reviewer
// cannot miss them.
void write_rubric_and_isolation(std::ostringstream& out, const grade_result& r, bool color) {
    out << "rubric: " << visible(r.rubric_name) << " " << visible(r.rubric_version)
        << "; isolation: " << (r.isolation.empty() ? "n/a" : visible(r.isolation)) << "\n";
    if (r.isolation_detail.unavailable.empty()) {
        return;
    }
    out << paint(color, "33;1", "sandbox weaker than it should be") << ", not in force:\n";
    for (const auto& missing : r.isolation_detail.unavailable) {
        out << "  ! " << visible(missing) << "\n";
    }
}

} // namespace

std::string render_terminal(const grade_result& r, bool color) {
    std::ostringstream out;
    out << visible(r.mode) << ": " << visible(r.submission_path) << " ("
        << (r.build.language.empty() ? "?" : visible(r.build.language));
    if (!r.build.toolchain.empty()) {
        out << "; " << visible(r.build.toolchain);
    }
    out << ")\n";
    write_rubric_and_isolation(out, r, color);
    out << "\n";
    write_checks(out, r, color);
    write_verdict(out, r, color);
    return out.str();
}

} // namespace grader
