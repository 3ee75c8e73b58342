#include "grader/report/junit.hpp"

#include "grader/report/escape.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace grader {

namespace {

std::string attr(std::string_view text) { return markup_escaped(text); }
std::string body(std::string_view text) { return markup_escaped(text, true); }

std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", std::isfinite(s) && s > 0 ? s : 0.0);
    return buf;
}

std::string points(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", std::isfinite(v) ? v : 0.0);
    return buf;
}

// A check's time: its scenario's run, or the build's.
double check_seconds(const grade_result& r, const check_result& c) {
    if (!c.scenario) {
        return c.what == category::build ? r.build.seconds : 0;
    }
    const auto s = std::find_if(r.scenarios.begin(), r.scenarios.end(), [&](const auto& x) {
        return x.name == *c.scenario;
    });
    return s == r.scenarios.end() ? 0 : s->outcome.wall_s;
}

// The failure's text: the evidence line, what the check asks for, each finding located.
std::string failure_text(const check_result& c) {
    std::string text = c.summary + "\n";
    if (!c.description.empty()) {
        text += "check: " + c.description + "\n";
    }
    for (const auto& f : c.findings) {
        text += "- " + to_string(f.level) + " [" + f.id + "] ";
        if (!f.file.empty()) {
            text += f.file + (f.line > 0 ? ":" + std::to_string(f.line) : "") + ": ";
        }
        text += f.message + "\n";
        if (f.explained) {
            text += "  " + f.explained->code + ": " + f.explained->text + "\n";
            if (!f.explained->after.empty()) {
                text += "  line " + std::to_string(f.explained->fix_line) +
                        " before: " + f.explained->before + "\n  after: " + f.explained->after +
                        "\n";
            }
        }
    }
    if (!c.advice.empty()) {
        text += "what to do: " + c.advice + "\n";
    }
    return text;
}

void write_testcase(std::ostringstream& out, const grade_result& r, const check_result& c) {
    out << "    <testcase name=\"" << attr(c.id) << "\" classname=\""
        << attr(r.submission_name + "." + to_string(c.what)) << "\" time=\""
        << seconds(check_seconds(r, c)) << "\"";
    if (c.passed) {
        out << "/>\n";
        return;
    }
    out << ">\n      <failure type=\"" << attr(to_string(c.what)) << "\" message=\""
        << attr(c.summary) << "\">" << body(failure_text(c)) << "</failure>\n    </testcase>\n";
}

void write_properties(std::ostringstream& out, const grade_result& r) {
    const std::pair<std::string, std::string> properties[] = {
        {"score", points(r.score)},
        {"max_score", points(r.max_score)},
        {"pass_score", points(r.pass_mark * r.max_score)},
        {"passed", r.passed ? "true" : "false"},
        {"rubric", r.rubric_name + " " + r.rubric_version},
        {"isolation", r.isolation},
        {"mode", r.mode},
    };
    out << "    <properties>\n";
    for (const auto& [name, value] : properties) {
        out << "      <property name=\"" << attr(name) << "\" value=\"" << attr(value) << "\"/>\n";
    }
    out << "    </properties>\n";
}

} // namespace

std::string render_junit(const grade_result& r) {
    const auto failures = std::count_if(
        r.checks.begin(), r.checks.end(), [](const check_result& c) { return !c.passed; });
    double total = r.build.seconds;
    for (const auto& s : r.scenarios) {
        total += s.outcome.wall_s + s.overhead_s;
    }
    std::ostringstream counts;
    counts << "tests=\"" << r.checks.size() << "\" failures=\"" << failures
           << "\" errors=\"0\" time=\"" << seconds(total) << "\"";
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"takehome-grader\" "
        << counts.str() << ">\n  <testsuite name=\"" << attr(r.submission_name) << "\" "
        << counts.str() << " skipped=\"0\">\n";
    write_properties(out, r);
    for (const auto& c : r.checks) {
        write_testcase(out, r, c);
    }
    out << "  </testsuite>\n</testsuites>\n";
    return out.str();
}

} // namespace grader
