// JSON of the result model's evidence parts: findings, run outcomes, the fan-out timeline and
// the runtime trace.

#include "grader/model/result_json.hpp"
#include "json_fields.hpp"

namespace grader {

using detail::array_field;
using detail::field;
using detail::optional_field;
using detail::rounded;
using nlohmann::json;

json to_json(const finding& f) {
    json j{{"id", f.id},
           {"severity", to_string(f.level)},
           {"file", f.file.empty() ? json(nullptr) : json(f.file)},
           {"line", f.line > 0 ? json(f.line) : json(nullptr)},
           {"message", f.message}};
    if (f.column > 0) {
        j["column"] = f.column;
    }
    if (!f.detail.empty()) {
        j["detail"] = f.detail;
    }
    if (f.excerpt) {
        j["excerpt"] = {{"first_line", f.excerpt->first_line}, {"lines", f.excerpt->lines}};
    }
    if (!f.sources.empty()) {
        j["sources"] = f.sources;
    }
    if (f.explained) {
        const auto& e = *f.explained;
        j["explanation"] = {{"code", e.code},
                            {"title", e.title},
                            {"text", e.text},
                            {"fix_line", e.fix_line > 0 ? json(e.fix_line) : json(nullptr)},
                            {"before", e.before},
                            {"after", e.after}};
    }
    return j;
}

finding finding_from_json(const json& j) {
    finding f;
    f.id = field<std::string>(j, "id", "");
    f.level = severity_from_string(field<std::string>(j, "severity", "error"));
    f.file = field<std::string>(j, "file", "");
    f.line = field<int>(j, "line", 0);
    f.column = field<int>(j, "column", 0);
    f.message = field<std::string>(j, "message", "");
    f.detail = field<std::string>(j, "detail", "");
    if (j.contains("excerpt") && j["excerpt"].is_object()) {
        f.excerpt = source_excerpt{field<int>(j["excerpt"], "first_line", 0),
                                   field<std::vector<std::string>>(j["excerpt"], "lines", {})};
    }
    f.sources = field<std::vector<std::string>>(j, "sources", {});
    if (j.contains("explanation") && j["explanation"].is_object()) {
        const auto& e = j["explanation"];
        f.explained = explanation{field<std::string>(e, "code", ""),
                                  field<std::string>(e, "title", ""),
                                  field<std::string>(e, "text", ""),
                                  field<int>(e, "fix_line", 0),
                                  field<std::string>(e, "before", ""),
                                  field<std::string>(e, "after", "")};
    }
    return f;
}

json to_json(const blocking_evidence& b) {
    json calls = json::array();
    for (const auto& c : b.calls) {
        calls.push_back({{"call", c.call},
                         {"detail", c.detail},
                         {"context", c.context},
                         {"file", c.file.empty() ? json(nullptr) : json(c.file)},
                         {"line", c.line > 0 ? json(c.line) : json(nullptr)},
                         {"function", c.function},
                         {"duration_ms", rounded(c.duration_ms, 1e-3)},
                         {"count", c.count},
                         {"sources", c.sources}});
    }
    return {{"probe_loaded", b.probe_loaded},
            {"probe_missing", b.probe_missing.empty() ? json(nullptr) : json(b.probe_missing)},
            {"runtimes_seen", b.runtimes_seen},
            {"calls", calls},
            {"excused", b.excused},
            {"truncated", b.truncated}};
}

blocking_evidence blocking_from_json(const json& j) {
    blocking_evidence b;
    b.probe_loaded = field<bool>(j, "probe_loaded", false);
    b.probe_missing = field<std::string>(j, "probe_missing", "");
    b.runtimes_seen = field<std::vector<std::string>>(j, "runtimes_seen", {});
    for (const auto& c : array_field(j, "calls")) {
        b.calls.push_back({field<std::string>(c, "call", ""),
                           field<std::string>(c, "detail", ""),
                           field<std::string>(c, "context", ""),
                           field<std::string>(c, "file", ""),
                           field<int>(c, "line", 0),
                           field<std::string>(c, "function", ""),
                           field<double>(c, "duration_ms", 0),
                           field<std::size_t>(c, "count", 1),
                           field<std::vector<std::string>>(c, "sources", {})});
    }
    b.excused = field<std::size_t>(j, "excused", 0);
    b.truncated = field<bool>(j, "truncated", false);
    return b;
}

json to_json(const static_analysis& a) {
    json rules = json::array();
    for (const auto& r : a.rules) {
        rules.push_back({{"id", r.id},
                         {"category", r.category},
                         {"severity", r.severity},
                         {"message", r.message},
                         {"explanation", r.explanation}});
    }
    json findings = json::array();
    for (const auto& f : a.findings) {
        findings.push_back(to_json(f));
    }
    return {{"ran", a.ran},
            {"files", a.files},
            {"errors", a.errors},
            {"rules", rules},
            {"findings", findings}};
}

static_analysis static_analysis_from_json(const json& j) {
    static_analysis a;
    a.ran = field<bool>(j, "ran", false);
    a.files = field<std::vector<std::string>>(j, "files", {});
    a.errors = field<std::vector<std::string>>(j, "errors", {});
    for (const auto& r : array_field(j, "rules")) {
        a.rules.push_back({field<std::string>(r, "id", ""),
                           field<std::string>(r, "category", ""),
                           field<std::string>(r, "severity", ""),
                           field<std::string>(r, "message", ""),
                           field<std::string>(r, "explanation", "")});
    }
    for (const auto& f : array_field(j, "findings")) {
        a.findings.push_back(finding_from_json(f));
    }
    return a;
}

json to_json(const run_outcome& o, std::size_t text_cap) {
    const auto shown = [&](const std::string& text) { return text.substr(0, text_cap); };
    const auto cut = [&](const std::string& text, std::uint64_t dropped) {
        return dropped + (text.size() > text_cap ? text.size() - text_cap : 0);
    };
    return {{"exit_code", o.exit_code ? json(*o.exit_code) : json(nullptr)},
            {"signal", o.signal ? json(signal_name(*o.signal)) : json(nullptr)},
            {"timed_out", o.timed_out},
            {"wall_s", rounded(o.wall_s, 1e-5)},
            {"cpu_s", rounded(o.cpu_s, 1e-5)},
            {"max_rss_kb", o.max_rss_kb},
            {"stdout", shown(o.stdout_text)},
            {"stderr", shown(o.stderr_text)},
            {"stdout_truncated_bytes", cut(o.stdout_text, o.stdout_dropped)},
            {"stderr_truncated_bytes", cut(o.stderr_text, o.stderr_dropped)},
            {"mock_start_s", rounded(o.mock_start_s, 1e-5)},
            {"limit", to_string(o.limit)},
            {"oom_kills", o.oom_kills},
            {"forks_refused", o.forks_refused},
            {"memory_peak_kb", o.memory_peak_kb}};
}

run_outcome run_outcome_from_json(const json& j) {
    run_outcome o;
    o.exit_code = optional_field<int>(j, "exit_code");
    if (const auto name = optional_field<std::string>(j, "signal")) {
        o.signal = signal_from_name(*name);
    }
    o.timed_out = field<bool>(j, "timed_out", false);
    o.wall_s = field<double>(j, "wall_s", 0);
    o.cpu_s = field<double>(j, "cpu_s", 0);
    o.max_rss_kb = field<long>(j, "max_rss_kb", 0);
    o.stdout_text = field<std::string>(j, "stdout", "");
    o.stderr_text = field<std::string>(j, "stderr", "");
    o.stdout_dropped = field<std::uint64_t>(j, "stdout_truncated_bytes", 0);
    o.stderr_dropped = field<std::uint64_t>(j, "stderr_truncated_bytes", 0);
    o.mock_start_s = field<double>(j, "mock_start_s", 0);
    o.limit = limit_hit_from_string(field<std::string>(j, "limit", "none"));
    o.oom_kills = field<std::uint64_t>(j, "oom_kills", 0);
    o.forks_refused = field<std::uint64_t>(j, "forks_refused", 0);
    o.memory_peak_kb = field<std::uint64_t>(j, "memory_peak_kb", 0);
    return o;
}

json to_json(const isolation_report& i) {
    return {{"summary", i.summary}, {"in_force", i.in_force}, {"unavailable", i.unavailable}};
}

isolation_report isolation_from_json(const json& j) {
    return {field<std::vector<std::string>>(j, "in_force", {}),
            field<std::vector<std::string>>(j, "unavailable", {}),
            field<std::string>(j, "summary", "")};
}

namespace {

json to_json(const request_interval& r) {
    return {{"endpoint", r.endpoint},
            {"job_id", r.job_id ? json(*r.job_id) : json(nullptr)},
            {"attempt", r.attempt},
            {"start_ms", r.start_ms},
            {"end_ms", r.end_ms},
            {"status", r.status},
            {"fault", r.fault},
            {"outcome", r.outcome}};
}

request_interval request_from_json(const json& j) {
    return {field<std::string>(j, "endpoint", ""),
            optional_field<std::int64_t>(j, "job_id"),
            field<int>(j, "attempt", 1),
            field<double>(j, "start_ms", 0),
            field<double>(j, "end_ms", 0),
            field<int>(j, "status", 0),
            field<std::string>(j, "fault", ""),
            field<std::string>(j, "outcome", "")};
}

} // namespace

json to_json(const fanout_evidence& f, bool with_requests) {
    json j{{"listed", f.listed},
           {"detail_requests", f.detail_requests},
           {"missing_ids", f.missing_ids},
           {"duplicate_ids", f.duplicate_ids},
           {"unknown_ids", f.unknown_ids},
           {"timed_details", f.timed_details},
           {"peak_in_flight", f.peak_in_flight},
           {"window_start_ms", f.window_start_ms},
           {"window_ms", f.window_ms},
           {"ideal_full_ms", f.ideal_full_ms},
           {"ideal_at_peak_ms", f.ideal_at_peak_ms},
           {"efficiency", f.efficiency},
           {"refills", f.refills},
           {"refill_median_ms", f.refill_median_ms},
           {"classification", f.classification}};
    if (with_requests) {
        json list = json::array();
        for (const auto& r : f.requests) {
            list.push_back(to_json(r));
        }
        j["requests"] = std::move(list);
    }
    return j;
}

fanout_evidence fanout_from_json(const json& j) {
    fanout_evidence f;
    f.listed = field<std::size_t>(j, "listed", 0);
    f.detail_requests = field<std::size_t>(j, "detail_requests", 0);
    f.missing_ids = field<std::vector<std::int64_t>>(j, "missing_ids", {});
    f.duplicate_ids = field<std::vector<std::int64_t>>(j, "duplicate_ids", {});
    f.unknown_ids = field<std::vector<std::int64_t>>(j, "unknown_ids", {});
    f.timed_details = field<std::size_t>(j, "timed_details", 0);
    f.peak_in_flight = field<int>(j, "peak_in_flight", 0);
    f.window_ms = field<double>(j, "window_ms", 0);
    f.window_start_ms = field<double>(j, "window_start_ms", 0);
    f.ideal_full_ms = field<double>(j, "ideal_full_ms", 0);
    f.ideal_at_peak_ms = field<double>(j, "ideal_at_peak_ms", 0);
    f.efficiency = field<double>(j, "efficiency", 0);
    f.refills = field<std::size_t>(j, "refills", 0);
    f.refill_median_ms = field<double>(j, "refill_median_ms", 0);
    f.classification = field<std::string>(j, "classification", "");
    for (const auto& r : array_field(j, "requests")) {
        f.requests.push_back(request_from_json(r));
    }
    return f;
}

json to_json(const runtime_trace_evidence& t) {
    json polls = json::array();
    for (const auto& p : t.long_polls) {
        polls.push_back({{"task", p.task},
                         {"spawned_at", p.spawned_at},
                         {"thread", p.thread},
                         {"duration_ms", rounded(p.duration_ms, 1e-3)}});
    }
    return {{"present", t.present},
            {"tasks_ended", t.tasks_ended},
            {"long_polls_total", t.long_polls_total},
            {"long_polls", polls},
            {"unreadable_lines", t.unreadable_lines},
            {"truncated", t.truncated},
            {"refused", t.refused.empty() ? json(nullptr) : json(t.refused)}};
}

runtime_trace_evidence runtime_trace_from_json(const json& j) {
    runtime_trace_evidence t;
    t.present = field<bool>(j, "present", false);
    t.tasks_ended = field<std::size_t>(j, "tasks_ended", 0);
    t.long_polls_total = field<std::size_t>(j, "long_polls_total", 0);
    for (const auto& p : array_field(j, "long_polls")) {
        t.long_polls.push_back({field<std::string>(p, "task", ""),
                                field<std::string>(p, "spawned_at", ""),
                                field<std::string>(p, "thread", ""),
                                field<double>(p, "duration_ms", 0)});
    }
    t.unreadable_lines = field<std::size_t>(j, "unreadable_lines", 0);
    t.truncated = field<bool>(j, "truncated", false);
    t.refused = field<std::string>(j, "refused", "");
    return t;
}

} // namespace grader
