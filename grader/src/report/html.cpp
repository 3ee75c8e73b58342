#include "grader/report/html.hpp"

#include "grader/report/escape.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string_view>

namespace grader {

namespace {

// Every string from the result goes through esc() (text and quoted attributes) or
// esc_lines() (<pre> blocks): the candidate controls its output, file names, source lines and
// the compiler messages quoted in summaries. Numbers are formatted here; the CSS and the
// SVG's geometry and classes are ours alone.
std::string esc(std::string_view text) { return markup_escaped(text); }
std::string esc_lines(std::string_view text) { return markup_escaped(text, true); }

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, std::isfinite(v) ? v : 0.0);
    return buf;
}

std::string points(double v) {
    return std::abs(v - std::round(v)) < 1e-9 ? fixed(v, 0) : fixed(v, 1);
}

// The first `cap` bytes of `text`, cut at a character boundary.
std::string_view head(std::string_view text, std::size_t cap) {
    if (text.size() <= cap) {
        return text;
    }
    std::size_t cut = cap;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) {
        --cut;
    }
    return text.substr(0, cut);
}

constexpr std::string_view style = R"css(
:root { --ok: #2e7d32; --bad: #c62828; --fault: #ef6c00; --limited: #6a1b9a; --list: #607d8b;
        --ideal: #1565c0; --muted: #5f6368; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #202124;
       max-width: 1000px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px;
  border-bottom: 1px solid #dadce0; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 4px; }
.meta { color: var(--muted); margin: 2px 0; overflow-wrap: anywhere; }
#verdict { font-size: 18px; margin: 12px 0; padding: 10px 14px; border-radius: 6px; }
#verdict.passed { background: #e6f4ea; color: var(--ok); }
#verdict.failed { background: #fce8e6; color: var(--bad); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
td.evidence { overflow-wrap: anywhere; }
td.mark { white-space: nowrap; }
.pass .mark { color: var(--ok); font-weight: 600; }
.fail .mark { color: var(--bad); font-weight: 600; }
.gate { font-size: 11px; color: var(--muted); border: 1px solid #ccc; border-radius: 3px;
  padding: 0 3px; }
pre { background: #f8f9fa; border: 1px solid #eee; padding: 8px; white-space: pre-wrap;
      overflow-wrap: anywhere; max-height: 240px; overflow: auto; margin: 4px 0; }
table.excerpt { font: 12px/1.4 ui-monospace, monospace; background: #f8f9fa; margin: 4px 0 8px; }
table.excerpt td { border: none; padding: 0 8px; white-space: pre-wrap; }
table.excerpt td.ln { color: var(--muted); text-align: right; width: 1%; white-space: nowrap; }
table.excerpt tr.hit { background: #fff3cd; }
table.excerpt tr.hit td.ln { color: var(--bad); font-weight: 700; }
.finding { margin: 6px 0 2px; } .where { font-family: ui-monospace, monospace; }
svg.timeline { width: 100%; height: auto; background: #fff; border: 1px solid #eee; }
svg .ok { fill: var(--ok); }
svg .fault { fill: var(--fault); } svg .limited { fill: var(--limited); }
svg .unanswered { fill: var(--bad); } svg .list { fill: var(--list); }
svg .ideal { fill: rgba(21, 101, 192, 0.10); stroke: var(--ideal); stroke-dasharray: 4 3; }
svg .peak { stroke: #000; stroke-width: 1.5; } svg .axis { stroke: #999; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
.legend span { display: inline-block; margin-right: 12px; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px;
  vertical-align: middle; }
ul.isolation { margin: 4px 0; } .unavailable { color: var(--bad); }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  pre { max-height: none; overflow: visible; }
  section.scenario, section.failure { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

bool candidate_mode(const grade_result& r) { return r.mode == "check"; }

// Hidden scenarios are the reviewer's: a candidate's report names none of them.
bool shown(const grade_result& r, const scenario_result& s) {
    return !candidate_mode(r) || s.vis != visibility::hidden;
}

bool shown(const grade_result& r, const check_result& c) {
    if (!candidate_mode(r) || !c.scenario) {
        return true;
    }
    return std::none_of(r.scenarios.begin(), r.scenarios.end(), [&](const scenario_result& s) {
        return s.name == *c.scenario && s.vis == visibility::hidden;
    });
}

void write_header(std::ostringstream& out, const grade_result& r) {
    out << "<header>\n<h1>Grade report: " << esc(r.submission_name) << "</h1>\n";
    out << "<p class=\"meta\">submission <span id=\"submission-path\">" << esc(r.submission_path)
        << "</span> (" << esc(r.build.language.empty() ? "?" : r.build.language);
    if (!r.build.toolchain.empty()) {
        out << "; " << esc(r.build.toolchain);
    }
    out << ")</p>\n<p class=\"meta\">rubric " << esc(r.rubric_name) << " " << esc(r.rubric_version)
        << " (" << esc(r.rubric_hash) << "); "
        << esc(r.mode == "check" ? "candidate self-check" : "reviewer grading")
        << "; takehome-grader " << esc(grader_version) << "</p>\n";
    out << "<p id=\"verdict\" class=\"" << (r.passed ? "passed" : "failed") << "\"><strong>"
        << (r.passed ? "PASSED" : "NOT PASSED") << "</strong>: score <span id=\"score\">"
        << points(r.score) << "</span> / <span id=\"max-score\">" << points(r.max_score)
        << "</span>, pass mark <span id=\"pass-mark\">" << points(r.pass_mark * r.max_score)
        << "</span> (" << fixed(r.pass_mark * 100, 0) << "%)";
    for (std::size_t i = 0; i < r.gates_failed.size(); ++i) {
        out << (i == 0 ? "; failed gate: " : ", ") << esc(r.gates_failed[i]);
    }
    out << "</p>\n</header>\n";
}

void write_hidden_note(std::ostringstream& out, const grade_result& r) {
    if (!candidate_mode(r)) {
        return;
    }
    const auto hidden =
        r.hidden_scenarios_not_run +
        static_cast<int>(std::count_if(r.scenarios.begin(), r.scenarios.end(), [](const auto& s) {
            return s.vis == visibility::hidden;
        }));
    out << "<p id=\"hidden-scenarios\" class=\"meta\">" << hidden << " hidden scenario"
        << (hidden == 1 ? "" : "s")
        << " will be run in the full grading; this self-check ran the visible ones.</p>\n";
}

void write_isolation(std::ostringstream& out, const grade_result& r) {
    out << "<section id=\"isolation\">\n<h2>Isolation in force</h2>\n<p>"
        << esc(r.isolation.empty() ? "n/a" : r.isolation) << "</p>\n<ul class=\"isolation\">\n";
    for (const auto& m : r.isolation_detail.in_force) {
        out << "<li>" << esc(m) << "</li>\n";
    }
    for (const auto& m : r.isolation_detail.unavailable) {
        out << "<li class=\"unavailable\">not in force: " << esc(m) << "</li>\n";
    }
    out << "</ul>\n</section>\n";
}

std::string one_line(std::string_view text, std::size_t cap) {
    std::string line(head(text, cap));
    std::replace(line.begin(), line.end(), '\n', ' ');
    return line.size() < text.size() ? line + " ..." : line;
}

void write_checks(std::ostringstream& out, const grade_result& r) {
    out << "<section>\n<h2>Checks</h2>\n<table id=\"checks\">\n<thead><tr><th>result</th>"
           "<th>check</th><th>points</th><th>evidence</th></tr></thead>\n<tbody>\n";
    for (const auto& c : r.checks) {
        if (!shown(r, c)) {
            continue;
        }
        out << "<tr class=\"" << (c.passed ? "pass" : "fail") << "\" data-check=\"" << esc(c.id)
            << "\"><td class=\"mark\">" << (c.passed ? "&#10003; pass" : "&#10007; fail")
            << "</td><td>" << esc(c.id) << (c.gate ? " <span class=\"gate\">gate</span>" : "")
            << "</td><td>" << points(c.points) << "/" << points(c.max_points)
            << "</td><td class=\"evidence\">" << esc(one_line(c.summary, 300)) << "</td></tr>\n";
    }
    out << "</tbody>\n</table>\n</section>\n";
}

// The lines around a finding, its own line marked.
void write_excerpt(std::ostringstream& out, const finding& f) {
    if (!f.excerpt || f.excerpt->lines.empty()) {
        return;
    }
    out << "<table class=\"excerpt\">\n";
    int number = f.excerpt->first_line;
    for (const auto& line : f.excerpt->lines) {
        const bool hit = number == f.line;
        out << "<tr" << (hit ? " class=\"hit\"" : "") << "><td class=\"ln\">" << number
            << (hit ? " &#9654;" : "") << "</td><td>" << esc_lines(one_line(line, 400))
            << "</td></tr>\n";
        ++number;
    }
    out << "</table>\n";
}

void write_finding(std::ostringstream& out, const finding& f) {
    out << "<li class=\"finding " << esc(to_string(f.level)) << "\">";
    if (!f.file.empty()) {
        out << "<span class=\"where\">" << esc(f.file);
        if (f.line > 0) {
            out << ":" << f.line;
        }
        if (f.column > 0) {
            out << ":" << f.column;
        }
        out << "</span>: ";
    }
    out << esc(f.message) << " <span class=\"meta\">[" << esc(f.id) << "]</span>\n";
    write_excerpt(out, f);
    if (f.explained) {
        const auto& e = *f.explained;
        out << "<div class=\"explained\"><p><b>" << esc(e.code) << "</b>: " << esc(e.title)
            << "</p>\n<p>" << esc(e.text) << "</p>\n";
        if (!e.before.empty() && !e.after.empty()) {
            out << "<p>line " << e.fix_line << ", before:</p><pre>" << esc_lines(e.before)
                << "</pre><p>after:</p><pre>" << esc_lines(e.after) << "</pre>\n";
        }
        out << "</div>\n";
    }
    if (!f.detail.empty() && !f.excerpt) {
        out << "<pre>" << esc_lines(head(f.detail, 2000)) << "</pre>\n";
    }
    out << "</li>\n";
}

// The first dozen findings (an output check can name every id of a wide fan-out).
void write_findings(std::ostringstream& out, const std::vector<finding>& findings) {
    constexpr std::size_t shown_findings = 12;
    if (findings.empty()) {
        return;
    }
    out << "<ul class=\"findings\">\n";
    for (std::size_t i = 0; i < findings.size() && i < shown_findings; ++i) {
        write_finding(out, findings[i]);
    }
    if (findings.size() > shown_findings) {
        out << "<li class=\"meta\">... " << findings.size() - shown_findings
            << " more findings (all of them are in the result JSON)</li>\n";
    }
    out << "</ul>\n";
}

// What a check of this category asks for, when the rubric gives no description.
std::string_view category_explanation(category c) {
    switch (c) {
    case category::build:
        return "The submission must build offline with the crates or libraries the prompt names.";
    case category::output:
        return "stdout must be the contract's report, equal to what the mock API's data implies.";
    case category::concurrency:
        return "The detail requests must overlap: the server counts how many are in flight at "
               "once (a bounded pool of 8 or more is fine).";
    case category::blocking:
        return "No blocking call inside async code: it stalls every task on that thread.";
    case category::errors:
        return "Failures are values: failed details go in failed_ids and are named on stderr "
               "(exit 0); a failed list exits 1 with empty stdout.";
    case category::crash:
        return "No panic, abort, uncaught exception or fatal signal, whatever the API does.";
    case category::timeout:
        return "A run must finish within the time limit, even when a detail never answers.";
    case category::style:
        break;
    }
    return "Style and static findings.";
}

void write_failures(std::ostringstream& out, const grade_result& r) {
    out << "<section id=\"failures\">\n<h2>What failed, and why</h2>\n";
    std::size_t failed = 0;
    for (const auto& c : r.checks) {
        if (c.passed || !shown(r, c)) {
            continue;
        }
        ++failed;
        out << "<section class=\"failure\" data-check=\"" << esc(c.id) << "\">\n<h3>" << esc(c.id)
            << (c.gate ? " <span class=\"gate\">gate</span>" : "") << ": " << points(c.points)
            << "/" << points(c.max_points) << "</h3>\n<p class=\"asks\">"
            << esc(c.description.empty() ? category_explanation(c.what) : c.description)
            << "</p>\n<p class=\"why\">" << esc(c.summary) << "</p>\n";
        if (!c.advice.empty()) {
            out << "<p class=\"advice\">" << esc(c.advice) << "</p>\n";
        }
        write_findings(out, c.findings);
        out << "</section>\n";
    }
    if (failed == 0) {
        out << "<p>Every check passed.</p>\n";
    }
    out << "</section>\n";
}

// --- the request timeline -----------------------------------------------------------------

// The class (colour) of a journaled request: the list, a rate limit, an injected fault, a
// request the server did not answer, or a clean answer.
std::string_view bar_class(const request_interval& q) {
    if (q.endpoint == "list") {
        return "list";
    }
    if (q.status == 429) {
        return "limited";
    }
    if (!q.fault.empty() && q.fault != "none") {
        return "fault";
    }
    return q.outcome == "answered" ? "ok" : "unanswered";
}

// When the most detail requests were in flight (the first such moment), by a sweep.
double peak_time(const std::vector<request_interval>& requests) {
    std::vector<std::pair<double, int>> events;
    for (const auto& q : requests) {
        if (q.endpoint == "detail" && bar_class(q) == "ok") {
            events.emplace_back(q.start_ms, 1);
            events.emplace_back(q.end_ms, -1);
        }
    }
    // Ends before starts at the same instant: touching intervals do not overlap.
    std::sort(events.begin(), events.end());
    int now = 0;
    int best = 0;
    double at = 0;
    for (const auto& [t, d] : events) {
        now += d;
        if (now > best) {
            best = now;
            at = t;
        }
    }
    return at;
}

struct timeline_geometry {
    double left = 48;
    double width = 880;
    double top = 22;
    double row = 8;
    double t_max = 1;
    double x(double t) const { return left + std::clamp(t / t_max, 0.0, 1.0) * width; }
};

constexpr std::size_t max_bars = 400;

void write_bars(std::ostringstream& out,
                const std::vector<request_interval>& requests,
                const timeline_geometry& g) {
    const std::size_t drawn = std::min(requests.size(), max_bars);
    for (std::size_t i = 0; i < drawn; ++i) {
        const auto& q = requests[i];
        const double x0 = g.x(q.start_ms);
        const double w = std::max(1.5, g.x(q.end_ms) - x0);
        out << "<rect class=\"req " << bar_class(q) << "\" x=\"" << fixed(x0, 1) << "\" y=\""
            << fixed(g.top + static_cast<double>(i) * g.row, 1) << "\" width=\"" << fixed(w, 1)
            << "\" height=\"" << fixed(std::max(1.0, g.row - 1), 1) << "\"><title>"
            << esc(q.endpoint);
        if (q.job_id) {
            out << " " << *q.job_id;
        }
        out << " (attempt " << q.attempt << "): " << fixed(q.start_ms, 1) << "-"
            << fixed(q.end_ms, 1) << " ms, status " << q.status << ", " << esc(q.outcome)
            << (q.fault.empty() || q.fault == "none" ? "" : ", fault " + esc(q.fault))
            << "</title></rect>\n";
    }
}

void write_axis(std::ostringstream& out, const timeline_geometry& g, double bottom) {
    out << "<line class=\"axis\" x1=\"" << fixed(g.left, 1) << "\" y1=\"" << fixed(bottom, 1)
        << "\" x2=\"" << fixed(g.left + g.width, 1) << "\" y2=\"" << fixed(bottom, 1) << "\"/>\n";
    for (int i = 0; i <= 5; ++i) {
        const double t = g.t_max * i / 5;
        out << "<text x=\"" << fixed(g.x(t), 1) << "\" y=\"" << fixed(bottom + 14, 1)
            << "\" text-anchor=\""
            << (i == 0   ? "start"
                : i == 5 ? "end"
                         : "middle")
            << "\">" << fixed(t, 0) << " ms</text>\n";
    }
}

// Where the judged window starts; a result of schema 2 did not say, and its first cleanly
// answered detail is the same moment.
double window_start(const fanout_evidence& f) {
    if (f.window_start_ms > 0) {
        return f.window_start_ms;
    }
    double first = -1;
    for (const auto& q : f.requests) {
        if (q.endpoint == "detail" && bar_class(q) == "ok" && (first < 0 || q.start_ms < first)) {
            first = q.start_ms;
        }
    }
    return std::max(first, 0.0);
}

// The ideal window (the configured latencies on a pool as wide as the observed peak, from the
// first detail) and the peak, drawn over the bars.
void write_ideal_and_peak(std::ostringstream& out,
                          const fanout_evidence& f,
                          const timeline_geometry& g,
                          double bottom) {
    if (f.timed_details == 0) {
        return;
    }
    const double x0 = g.x(window_start(f));
    const double x1 = g.x(window_start(f) + f.ideal_at_peak_ms);
    out << "<rect class=\"ideal\" x=\"" << fixed(x0, 1) << "\" y=\"" << fixed(g.top - 4, 1)
        << "\" width=\"" << fixed(std::max(1.0, x1 - x0), 1) << "\" height=\""
        << fixed(bottom - g.top + 4, 1)
        << "\"><title>ideal window: " << fixed(f.ideal_at_peak_ms, 1) << " ms at a peak of "
        << f.peak_in_flight << "</title></rect>\n";
    out << "<text x=\"" << fixed(x0 + 2, 1) << "\" y=\"" << fixed(g.top - 8, 1)
        << "\" fill=\"#1565c0\">ideal " << fixed(f.ideal_at_peak_ms, 0) << " ms</text>\n";
    const double xp = g.x(peak_time(f.requests));
    out << "<line class=\"peak\" x1=\"" << fixed(xp, 1) << "\" y1=\"" << fixed(g.top - 4, 1)
        << "\" x2=\"" << fixed(xp, 1) << "\" y2=\"" << fixed(bottom + 20, 1) << "\"/>\n<text x=\""
        << fixed(std::min(xp + 4, g.left + g.width - 110), 1) << "\" y=\"" << fixed(bottom + 30, 1)
        << "\" class=\"peak-label\">peak " << f.peak_in_flight << " in flight</text>\n";
}

std::string timeline_svg(const fanout_evidence& f) {
    timeline_geometry g;
    const std::size_t rows = std::min(f.requests.size(), max_bars);
    g.row = rows <= 24 ? 14 : std::max(2.0, 400.0 / static_cast<double>(rows));
    for (const auto& q : f.requests) {
        g.t_max = std::max({g.t_max, q.end_ms, q.start_ms});
    }
    g.t_max = std::max(g.t_max, window_start(f) + f.ideal_at_peak_ms);
    const double bottom = g.top + static_cast<double>(rows) * g.row + 4;
    std::ostringstream out;
    out << "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
        << fixed(g.left + g.width + 16, 0) << " " << fixed(bottom + 36, 0)
        << "\" role=\"img\" aria-label=\"request timeline\">\n";
    write_bars(out, f.requests, g);
    write_ideal_and_peak(out, f, g, bottom);
    write_axis(out, g, bottom);
    out << "</svg>\n";
    if (f.requests.size() > max_bars) {
        out << "<p class=\"meta\">" << f.requests.size() - max_bars
            << " more requests not drawn.</p>\n";
    }
    return out.str();
}

constexpr std::string_view legend =
    "<p class=\"legend\"><span><i style=\"background:#2e7d32\"></i>answered</span>"
    "<span><i style=\"background:#ef6c00\"></i>injected fault</span>"
    "<span><i style=\"background:#6a1b9a\"></i>rate limited (429)</span>"
    "<span><i style=\"background:#c62828\"></i>not answered</span>"
    "<span><i style=\"background:#607d8b\"></i>job list</span>"
    "<span><i style=\"border:1px dashed #1565c0\"></i>ideal window</span></p>\n";

// --- scenarios ----------------------------------------------------------------------------

std::string outcome_line(const run_outcome& o) {
    std::string line = o.exit_code ? "exit " + std::to_string(*o.exit_code) : "no exit code";
    if (o.signal) {
        line += ", killed by signal " + signal_name(*o.signal);
    }
    if (o.timed_out) {
        line += ", timed out";
    }
    if (o.limit != limit_hit::none) {
        line += ", limit: " + to_string(o.limit);
    }
    return line + "; " + fixed(o.wall_s, 2) + " s wall, " + fixed(o.cpu_s, 2) + " s CPU";
}

void write_output(std::ostringstream& out,
                  std::string_view stream,
                  const std::string& text,
                  std::uint64_t dropped) {
    constexpr std::size_t cap = 4000;
    out << "<h4>" << stream << "</h4>\n";
    if (text.empty() && dropped == 0) {
        out << "<p class=\"meta " << stream << "\">(empty)</p>\n";
        return;
    }
    out << "<pre class=\"" << stream << "\">" << esc_lines(head(text, cap)) << "</pre>\n";
    const std::uint64_t more = dropped + (text.size() > cap ? text.size() - cap : 0);
    if (more > 0) {
        out << "<p class=\"meta\">(" << more << " more bytes not shown)</p>\n";
    }
}

void write_scenario(std::ostringstream& out, const scenario_result& s) {
    out << "<section class=\"scenario\" data-scenario=\"" << esc(s.name) << "\">\n<h3>"
        << esc(s.name) << " <span class=\"meta\">(" << esc(to_string(s.vis)) << ")</span></h3>\n";
    if (!s.ran) {
        out << "<p>not run: " << esc(s.not_run_reason) << "</p>\n</section>\n";
        return;
    }
    const auto& f = s.fanout;
    out << "<p class=\"fanout\"><strong>" << esc(f.classification)
        << "</strong>: " << f.detail_requests << " detail requests for " << f.listed
        << " jobs; peak " << f.peak_in_flight << " in flight; window " << fixed(f.window_ms, 1)
        << " ms where " << fixed(f.ideal_at_peak_ms, 1) << " ms was possible at that peak ("
        << fixed(f.ideal_full_ms, 1) << " ms all at once); efficiency " << fixed(f.efficiency, 2)
        << "</p>\n<p class=\"meta\">" << esc(outcome_line(s.outcome)) << "</p>\n";
    if (!f.requests.empty()) {
        out << timeline_svg(f) << legend;
    }
    write_output(out, "stdout", s.outcome.stdout_text, s.outcome.stdout_dropped);
    write_output(out, "stderr", s.outcome.stderr_text, s.outcome.stderr_dropped);
    out << "</section>\n";
}

void write_scenarios(std::ostringstream& out, const grade_result& r) {
    out << "<section id=\"scenarios\">\n<h2>Scenarios</h2>\n";
    for (const auto& s : r.scenarios) {
        if (shown(r, s)) {
            write_scenario(out, s);
        }
    }
    write_hidden_note(out, r);
    out << "</section>\n";
}

} // namespace

std::string render_html(const grade_result& r) {
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; img-src data:\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
        << esc(r.submission_name) << ": grade report</title>\n<style>" << style
        << "</style>\n</head>\n<body>\n";
    write_header(out, r);
    write_isolation(out, r);
    write_checks(out, r);
    write_failures(out, r);
    write_scenarios(out, r);
    out << "</body>\n</html>\n";
    return out.str();
}

} // namespace grader
