#include "grader/report/batch_summary.hpp"
#include "grader/report/escape.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace grader {

namespace {

// Sorts the table by the clicked column (each cell's data-v: numbers numerically, the rest as
// text); a second click reverses. Its hash is in the page's CSP: no other script can run.
constexpr std::string_view script =
    R"js(document.querySelectorAll("th[data-col]").forEach(function (th) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0], col = +th.dataset.col;
    var dir = th.dataset.dir === "desc" ? "asc" : "desc";
    th.dataset.dir = dir;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var a = x.cells[col].dataset.v, b = y.cells[col].dataset.v;
      var d = parseFloat(a) - parseFloat(b);
      var r = isNaN(d) ? a.localeCompare(b) : d;
      return dir === "asc" ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});)js";
constexpr std::string_view script_hash = "sha256-r0jcI9fSMOILtiM4/VcbQw4QmOKeIYokK/bpKUhdpcU=";

constexpr std::string_view style =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
    "th[data-col]{cursor:pointer;background:#f3f3f3}"
    "th[data-dir=asc]::after{content:' \\25B2'}th[data-dir=desc]::after{content:' \\25BC'}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".pass{color:#1a7f37}.fail{color:#b42318}"
    "@media print{th[data-col]{cursor:auto}}";

std::string esc(std::string_view text) { return markup_escaped(text); }

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", std::isfinite(v) ? std::round(v * 10) / 10 : 0.0);
    return buf;
}

struct category_tally {
    double points = 0;
    double max_points = 0;
    bool present = false;
    bool all_passed = true;
};

category_tally tally(const grade_result& r, category c) {
    category_tally t;
    for (const auto& k : r.checks) {
        if (k.what == c) {
            t.present = true;
            t.points += k.points;
            t.max_points += k.max_points;
            t.all_passed = t.all_passed && k.passed;
        }
    }
    return t;
}

// A cell sorted by `value` showing `shown` (both escaped here).
std::string cell(std::string_view value, std::string_view shown, bool numeric = false) {
    return std::string("<td") + (numeric ? " class=\"n\"" : "") + " data-v=\"" + esc(value) +
           "\">" + std::string(shown) + "</td>";
}

void write_pass_rates(std::ostringstream& out,
                      const std::vector<batch_entry>& entries,
                      const std::vector<category>& categories) {
    out << "<h2>Pass rates per category</h2>\n<table id=\"pass-rates\">\n<thead><tr><th>category</"
           "th><th>passed</th><th>rate</th></tr></thead>\n<tbody>\n";
    for (const auto c : categories) {
        std::size_t graded = 0;
        std::size_t passed = 0;
        for (const auto& e : entries) {
            const auto t = tally(e.result, c);
            graded += t.present ? 1 : 0;
            passed += t.present && t.all_passed ? 1 : 0;
        }
        const double rate =
            graded == 0 ? 0 : 100.0 * static_cast<double>(passed) / static_cast<double>(graded);
        out << "<tr><td>" << esc(to_string(c)) << "</td><td class=\"n\">" << passed << "/" << graded
            << "</td><td class=\"n\">" << number(rate) << "%</td></tr>\n";
    }
    out << "</tbody>\n</table>\n";
}

void write_row(std::ostringstream& out,
               std::size_t rank,
               const batch_entry& e,
               const std::vector<category>& categories) {
    const auto& r = e.result;
    const double share = r.max_score > 0 ? 100 * r.score / r.max_score : 0;
    out << "<tr>" << cell(std::to_string(rank), std::to_string(rank), true)
        << cell(e.id,
                "<a href=\"" + esc(e.id) + "/report.html\">" + esc(e.id) + "</a>" +
                    (r.grading_error.empty()
                         ? ""
                         : "<br><small class=\"fail\">" + esc(r.grading_error) + "</small>"))
        << cell(r.build.language, esc(r.build.language))
        << cell(number(r.score), number(r.score), true)
        << cell(number(r.max_score), number(r.max_score), true)
        << cell(number(share), number(share) + "%", true)
        << cell(r.passed ? "1" : "0",
                r.passed ? "<span class=\"pass\">passed</span>"
                         : "<span class=\"fail\">not passed</span>");
    for (const auto c : categories) {
        const auto t = tally(r, c);
        if (!t.present) {
            out << cell("-1", "", true);
            continue;
        }
        out << cell(number(t.points),
                    "<span class=\"" + std::string(t.all_passed ? "pass" : "fail") + "\">" +
                        number(t.points) + "/" + number(t.max_points) + "</span>",
                    true);
    }
    out << "</tr>\n";
}

} // namespace

std::string_view leaderboard_script() { return script; }
std::string_view leaderboard_script_csp_hash() { return script_hash; }

std::string render_leaderboard(const std::vector<batch_entry>& entries) {
    std::vector<const batch_entry*> ranked;
    for (const auto& e : entries) {
        ranked.push_back(&e);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto* a, const auto* b) {
        return a->result.score != b->result.score ? a->result.score > b->result.score
                                                  : a->id < b->id;
    });
    const auto categories = batch_categories(entries);
    std::size_t passed = 0;
    for (const auto& e : entries) {
        passed += e.result.passed ? 1 : 0;
    }
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; script-src '"
        << script_hash
        << "'\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>Leaderboard</title>\n<style>"
        << style << "</style>\n</head>\n<body>\n<h1>Leaderboard</h1>\n<p id=\"summary\">"
        << entries.size() << " submissions, " << passed << " passed"
        << (entries.empty() ? ""
                            : " (rubric " + esc(entries.front().result.rubric_name) + " " +
                                  esc(entries.front().result.rubric_version) + ")")
        << ". Click a column header to sort.</p>\n";
    out << "<table id=\"leaderboard\">\n<thead><tr>";
    std::vector<std::string> headers = {
        "rank", "submission", "language", "score", "total", "%", "verdict"};
    for (const auto c : categories) {
        headers.push_back(to_string(c));
    }
    for (std::size_t i = 0; i < headers.size(); ++i) {
        out << "<th data-col=\"" << i << "\">" << esc(headers[i]) << "</th>";
    }
    out << "</tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < ranked.size(); ++i) {
        write_row(out, i + 1, *ranked[i], categories);
    }
    out << "</tbody>\n</table>\n";
    write_pass_rates(out, entries, categories);
    out << "<script>" << script << "</script>\n</body>\n</html>\n";
    return out.str();
}

} // namespace grader
