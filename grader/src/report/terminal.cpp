#include "grader/report/terminal.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string_view>

namespace grader {

namespace {

// One character of `text` at `i` as UTF-8: its code point and length; a byte that starts no
// valid sequence is {byte, 1} with `valid` false.
struct utf8_char {
    char32_t code = 0;
    std::size_t length = 1;
    bool valid = false;
};

utf8_char decode(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    const unsigned char lead = byte(0);
    const std::size_t length = lead < 0x80       ? 1
                               : lead >> 5 == 6  ? 2
                               : lead >> 4 == 14 ? 3
                               : lead >> 3 == 30 ? 4
                                                 : 0;
    if (length == 0 || i + length > text.size()) {
        return {lead, 1, false};
    }
    char32_t code = length == 1 ? lead : static_cast<char32_t>(lead & (0xffU >> (length + 1)));
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(k) & 0xc0) != 0x80) {
            return {lead, 1, false};
        }
        code = (code << 6) | (byte(k) & 0x3f);
    }
    constexpr char32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
    const bool ok =
        code >= shortest[length] && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    return {ok ? code : lead, ok ? length : 1, ok};
}

// Text from the candidate (summaries and findings quote its output; its manifest names the
// language) reaches the reviewer's terminal: control characters would move the cursor, clear
// the screen, set the title or the clipboard, and a newline could forge a verdict line. They
// are shown escaped instead: C0 controls and DEL as \e, \n, \xNN, C1 controls and the
// bidirectional overrides as \u{NNNN}, bytes that are not UTF-8 as \xNN.
std::string visible(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    char hex[16];
    for (std::size_t i = 0; i < text.size();) {
        const auto c = decode(text, i);
        const bool c0 = c.valid && (c.code < 0x20 || c.code == 0x7f);
        const bool c1_or_bidi = c.valid && ((c.code >= 0x80 && c.code <= 0x9f) ||
                                            (c.code >= 0x202a && c.code <= 0x202e) ||
                                            (c.code >= 0x2066 && c.code <= 0x2069));
        if (c0) {
            switch (c.code) {
            case 0x1b:
                out += "\\e";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\a':
                out += "\\a";
                break;
            case '\b':
                out += "\\b";
                break;
            default:
                std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned>(c.code));
                out += hex;
            }
        } else if (c1_or_bidi) {
            std::snprintf(hex, sizeof hex, "\\u{%04x}", static_cast<unsigned>(c.code));
            out += hex;
        } else if (!c.valid) {
            std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned>(c.code));
            out += hex;
        } else {
            out.append(text.substr(i, c.length));
        }
        i += c.length;
    }
    return out;
}

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
            out << visible(f.file);
            if (f.line > 0) {
                out << ":" << f.line;
            }
            out << ": ";
        }
        out << visible(f.message) << "\n";
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
