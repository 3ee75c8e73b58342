#include "grader/report/terminal.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace grader {

namespace {

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
            out << f.file;
            if (f.line > 0) {
                out << ":" << f.line;
            }
            out << ": ";
        }
        out << f.message << "\n";
    }
}

void write_checks(std::ostringstream& out, const grade_result& r, bool color) {
    std::size_t width = 0;
    for (const auto& c : r.checks) {
        width = std::max(width, c.id.size());
    }
    for (const auto& c : r.checks) {
        const std::string mark = c.passed ? paint(color, "32", "✓") : paint(color, "31", "✗");
        out << "  " << mark << " " << pad(c.id + (c.gate ? " *" : ""), width + 2) << "  "
            << pad(points(c.points) + "/" + points(c.max_points), 7) << "  " << c.summary << "\n";
        if (!c.passed) {
            write_findings(out, c);
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
        out << "  (work directory kept: " << r.work_dir << ")\n";
    }
    if (r.hidden_scenarios_not_run > 0) {
        out << "  (" << r.hidden_scenarios_not_run << " hidden scenario"
            << (r.hidden_scenarios_not_run > 1 ? "s" : "")
            << " will be added in the full grading)\n";
    }
    std::string verdict =
        r.passed ? paint(color, "32;1", "PASSED") : paint(color, "31;1", "NOT PASSED");
    for (std::size_t i = 0; i < r.gates_failed.size(); ++i) {
        verdict += (i == 0 ? " (failed gate: " : ", ") + r.gates_failed[i];
        verdict += i + 1 == r.gates_failed.size() ? ")" : "";
    }
    out << "score " << points(r.score) << "/" << points(r.max_score) << " (pass mark "
        << points(r.pass_mark * r.max_score) << "): " << verdict << "\n";
}

} // namespace

std::string render_terminal(const grade_result& r, bool color) {
    std::ostringstream out;
    out << r.mode << ": " << r.submission_path << " ("
        << (r.build.language.empty() ? "?" : r.build.language);
    if (!r.build.toolchain.empty()) {
        out << "; " << r.build.toolchain;
    }
    out << ")\nrubric: " << r.rubric_name << " " << r.rubric_version
        << "; isolation: " << (r.isolation.empty() ? "n/a" : r.isolation) << "\n\n";
    write_checks(out, r, color);
    write_verdict(out, r, color);
    return out.str();
}

} // namespace grader
