#include "grader/report/batch_summary.hpp"
#include "grader/report/escape.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace grader {

namespace {

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", std::isfinite(v) ? std::round(v * 10) / 10 : 0.0);
    return buf;
}

// Points per category of one result (only categories it has checks in).
std::map<category, double> category_points(const grade_result& r) {
    std::map<category, double> points;
    for (const auto& c : r.checks) {
        points[c.what] += c.points;
    }
    return points;
}

} // namespace

std::vector<category> batch_categories(const std::vector<batch_entry>& entries) {
    std::vector<category> used;
    for (const auto& [c, name] : category_names()) {
        const category wanted = c; // an init-capture named c would shadow the binding (-Wshadow)
        for (const auto& e : entries) {
            const auto& checks = e.result.checks;
            if (std::any_of(checks.begin(), checks.end(), [wanted](const check_result& k) {
                    return k.what == wanted;
                })) {
                used.push_back(c);
                break;
            }
        }
    }
    return used;
}

std::string csv_field(std::string_view text) {
    // A spreadsheet evaluates a cell starting with one of these as a formula (CSV injection);
    // a leading apostrophe makes it text. Candidate text is printable() first: no control byte
    // or broken UTF-8 reaches the file, but lines survive inside quotes.
    std::string cell = printable(text, true);
    if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                          cell[0] == '\t' || cell[0] == '\r')) {
        cell.insert(0, "'");
    }
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
        return cell;
    }
    std::string quoted = "\"";
    for (const char c : cell) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    return quoted + "\"";
}

std::string render_batch_csv(const std::vector<batch_entry>& entries) {
    const auto categories = batch_categories(entries);
    std::ostringstream out;
    out << "id,name,language,score,total,passed,error";
    for (const auto c : categories) {
        out << "," << to_string(c);
    }
    out << "\r\n";
    for (const auto& e : entries) {
        const auto& r = e.result;
        out << csv_field(e.id) << "," << csv_field(r.submission_name) << ","
            << csv_field(r.build.language) << "," << number(r.score) << "," << number(r.max_score)
            << "," << (r.passed ? "true" : "false") << "," << csv_field(r.grading_error);
        const auto points = category_points(r);
        for (const auto c : categories) {
            const auto at = points.find(c);
            out << "," << (at == points.end() ? "" : number(at->second));
        }
        out << "\r\n";
    }
    return out.str();
}

} // namespace grader
