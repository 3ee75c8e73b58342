#include "grader/report/github.hpp"

#include "grader/report/escape.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace grader {

namespace {

std::string_view command_of(severity s) {
    switch (s) {
    case severity::error:
        return "error";
    case severity::warning:
        return "warning";
    case severity::info:
        break;
    }
    return "notice";
}

// The finding's message, and the explainer's text and fix when there is one.
std::string message_of(const finding& f) {
    if (!f.explained) {
        return f.message;
    }
    std::string m = f.message + "\n" + f.explained->code + ": " + f.explained->text;
    if (!f.explained->after.empty()) {
        m += "\nbefore: " + f.explained->before + "\nafter: " + f.explained->after;
    }
    return m;
}

void write_annotation(std::ostringstream& out, const finding& f, const std::string& title) {
    out << "::" << command_of(f.level) << " file=" << github_escaped(printable(f.file, true), true)
        << ",line=" << f.line;
    if (f.column > 0) {
        out << ",col=" << f.column;
    }
    // Control characters (escape sequences in a log viewer) are shown, not sent; newlines
    // stay real here and are encoded below.
    out << ",title=" << github_escaped(printable(title, true), true)
        << "::" << github_escaped(printable(message_of(f), true), false) << "\n";
}

bool located(const finding& f) { return !f.file.empty() && f.line > 0; }

std::string points(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", std::isfinite(v) ? std::round(v * 10) / 10 : 0.0);
    return buf;
}

} // namespace

std::string github_escaped(std::string_view text, bool property) {
    std::string out;
    for (const char c : text) {
        if (c == '%') {
            out += "%25";
        } else if (c == '\r') {
            out += "%0D";
        } else if (c == '\n') {
            out += "%0A";
        } else if (property && c == ':') {
            out += "%3A";
        } else if (property && c == ',') {
            out += "%2C";
        } else {
            out += c;
        }
    }
    return out;
}

std::string render_github(const grade_result& r) {
    std::ostringstream out;
    for (const auto& f : r.statics.findings) {
        if (located(f)) {
            write_annotation(out, f, "static: " + f.id);
        }
    }
    for (const auto& c : r.checks) {
        for (const auto& f : c.findings) {
            if (!c.passed && located(f) && f.id != "blocking-call-static") {
                write_annotation(out, f, c.id + ": " + f.id);
            }
        }
    }
    std::string verdict = r.passed ? "passed" : "not passed";
    out << "::notice title=" << github_escaped("grade: " + printable(r.submission_name), true)
        << "::"
        << github_escaped(verdict + ", score " + points(r.score) + "/" + points(r.max_score) +
                              " (pass mark " + points(r.pass_mark * r.max_score) + ")",
                          false)
        << "\n";
    return out.str();
}

} // namespace grader
