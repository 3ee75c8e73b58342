// JSON of a whole result: checks, scenarios, build, totals (grader/README.md, "Result model").

#include "grader/model/result_json.hpp"

#include "json_fields.hpp"

#include <map>

namespace grader {

using detail::array_field;
using detail::field;
using detail::optional_field;
using detail::rounded;
using nlohmann::json;

namespace {

// What the result shows of a run's stdout and stderr; the rest is counted as truncated.
constexpr std::size_t shown_output = 64 * 1024;

json check_json(const check_result& c) {
    json findings = json::array();
    for (const auto& f : c.findings) {
        findings.push_back(to_json(f));
    }
    return {{"id", c.id},
            {"check", c.check},
            {"category", to_string(c.what)},
            {"scenario", c.scenario ? json(*c.scenario) : json(nullptr)},
            {"passed", c.passed},
            {"gate", c.gate},
            {"points", rounded(c.points, 0.01)},
            {"max_points", rounded(c.max_points, 0.01)},
            {"summary", c.summary},
            {"description", c.description},
            {"advice", c.advice},
            {"evidence", c.evidence},
            {"findings", std::move(findings)}};
}

check_result check_from_json(const json& j) {
    check_result c;
    c.id = field<std::string>(j, "id", "");
    c.check = field<std::string>(j, "check", "");
    c.what = category_from_string(field<std::string>(j, "category", "")).value_or(category::build);
    c.scenario = optional_field<std::string>(j, "scenario");
    c.passed = field<bool>(j, "passed", false);
    c.gate = field<bool>(j, "gate", false);
    c.points = field<double>(j, "points", 0);
    c.max_points = field<double>(j, "max_points", 0);
    c.summary = field<std::string>(j, "summary", "");
    c.description = field<std::string>(j, "description", "");
    c.advice = field<std::string>(j, "advice", "");
    c.evidence = j.is_object() && j.contains("evidence") ? j["evidence"] : json::object();
    for (const auto& f : array_field(j, "findings")) {
        c.findings.push_back(finding_from_json(f));
    }
    return c;
}

json scenario_json(const scenario_result& s) {
    json sj{{"name", s.name},
            {"visibility", to_string(s.vis)},
            {"deadline_s", s.deadline_s},
            {"ran", s.ran}};
    if (s.ran) {
        sj["outcome"] = to_json(s.outcome, shown_output);
        sj["fanout"] = to_json(s.fanout, true);
        if (s.runtime_trace.present) {
            sj["runtime_trace"] = to_json(s.runtime_trace);
        }
        sj["blocking"] = to_json(s.blocking);
        json files = json::array();
        for (const auto& f : s.evidence_files) {
            files.push_back({{"name", f.name}, {"bytes", f.bytes}});
        }
        sj["evidence_files"] = std::move(files);
        sj["overhead_s"] = rounded(s.overhead_s, 1e-5);
    } else {
        sj["not_run_reason"] = s.not_run_reason;
    }
    if (!s.run_dir.empty()) {
        sj["run_dir"] = s.run_dir;
    }
    return sj;
}

scenario_result scenario_from_json(const json& j) {
    scenario_result s;
    s.name = field<std::string>(j, "name", "");
    s.vis = field<std::string>(j, "visibility", "visible") == "hidden" ? visibility::hidden
                                                                       : visibility::visible;
    s.deadline_s = field<double>(j, "deadline_s", 0);
    s.ran = field<bool>(j, "ran", false);
    s.not_run_reason = field<std::string>(j, "not_run_reason", "");
    if (j.is_object() && j.contains("outcome")) {
        s.outcome = run_outcome_from_json(j["outcome"]);
    }
    if (j.is_object() && j.contains("fanout")) {
        s.fanout = fanout_from_json(j["fanout"]);
    }
    if (j.is_object() && j.contains("runtime_trace")) {
        s.runtime_trace = runtime_trace_from_json(j["runtime_trace"]);
    }
    if (j.is_object() && j.contains("blocking")) {
        s.blocking = blocking_from_json(j["blocking"]);
    }
    for (const auto& f : array_field(j, "evidence_files")) {
        s.evidence_files.push_back(
            {field<std::string>(f, "name", ""), field<std::uintmax_t>(f, "bytes", 0)});
    }
    s.overhead_s = field<double>(j, "overhead_s", 0);
    s.run_dir = field<std::string>(j, "run_dir", "");
    return s;
}

json categories_json(const std::vector<check_result>& checks) {
    std::map<std::string, std::pair<double, double>> by_category;
    for (const auto& c : checks) {
        auto& [got, max] = by_category[to_string(c.what)];
        got += c.points;
        max += c.max_points;
    }
    json categories = json::object();
    for (const auto& [name, totals] : by_category) {
        categories[name] = {{"points", rounded(totals.first, 0.01)},
                            {"max_points", rounded(totals.second, 0.01)}};
    }
    return categories;
}

json build_json(const build_result& b) {
    return {{"ok", b.ok},
            {"language", b.language},
            {"toolchain", b.toolchain},
            {"dependency_cache", b.cache},
            {"seconds", rounded(b.seconds, 0.01)},
            {"summary", b.summary}};
}

build_result build_from_json(const json& j) {
    return {field<bool>(j, "ok", false),
            field<std::string>(j, "language", ""),
            field<std::string>(j, "toolchain", ""),
            field<std::string>(j, "dependency_cache", ""),
            field<double>(j, "seconds", 0),
            field<std::string>(j, "summary", ""),
            ""};
}

} // namespace

json to_json(const grade_result& r) {
    json checks = json::array();
    for (const auto& c : r.checks) {
        checks.push_back(check_json(c));
    }
    json scenarios = json::array();
    for (const auto& s : r.scenarios) {
        scenarios.push_back(scenario_json(s));
    }
    return {{"schema_version", result_schema_version},
            {"grader", {{"name", "takehome-grader"}, {"version", grader_version}}},
            {"mode", r.mode},
            {"submission",
             {{"path", r.submission_path},
              {"name", r.submission_name},
              {"language", r.build.language},
              {"toolchain", r.build.toolchain}}},
            {"rubric",
             {{"name", r.rubric_name},
              {"version", r.rubric_version},
              {"file", r.rubric_file},
              {"content_hash", r.rubric_hash}}},
            {"isolation", r.isolation},
            {"isolation_detail", to_json(r.isolation_detail)},
            {"score", r.score},
            {"max_score", r.max_score},
            {"pass_mark", r.pass_mark},
            {"pass_score", rounded(r.pass_mark * r.max_score, 0.01)},
            {"passed", r.passed},
            {"gates_failed", r.gates_failed},
            {"categories", categories_json(r.checks)},
            {"build", build_json(r.build)},
            {"static_analysis", to_json(r.statics)},
            {"scenarios", std::move(scenarios)},
            {"hidden_scenarios_not_run", r.hidden_scenarios_not_run},
            {"work_dir", r.work_dir.empty() ? json(nullptr) : json(r.work_dir)},
            {"grading_error", r.grading_error.empty() ? json(nullptr) : json(r.grading_error)},
            {"checks", std::move(checks)}};
}

common::result<grade_result> grade_result_from_json(const json& j) {
    const auto schema = optional_field<int>(j, "schema_version");
    if (!schema) {
        return common::error{common::errc::invalid_input,
                             "not a grading result (no schema_version)"};
    }
    grade_result r;
    r.schema_version = *schema;
    r.mode = field<std::string>(j, "mode", "");
    const json none = json::object();
    const json& sub = j.contains("submission") ? j["submission"] : none;
    r.submission_path = field<std::string>(sub, "path", "");
    r.submission_name = field<std::string>(sub, "name", "");
    const json& rubric = j.contains("rubric") ? j["rubric"] : none;
    r.rubric_name = field<std::string>(rubric, "name", "");
    r.rubric_version = field<std::string>(rubric, "version", "");
    r.rubric_file = field<std::string>(rubric, "file", "");
    r.rubric_hash = field<std::string>(rubric, "content_hash", "");
    r.isolation = field<std::string>(j, "isolation", "");
    r.isolation_detail = isolation_from_json(j.contains("isolation_detail") ? j["isolation_detail"]
                                                                            : json::object());
    r.build = build_from_json(j.contains("build") ? j["build"] : none);
    r.build.isolation = r.isolation;
    if (j.contains("static_analysis")) {
        r.statics = static_analysis_from_json(j["static_analysis"]);
    }
    for (const auto& s : array_field(j, "scenarios")) {
        r.scenarios.push_back(scenario_from_json(s));
    }
    for (const auto& c : array_field(j, "checks")) {
        r.checks.push_back(check_from_json(c));
    }
    r.hidden_scenarios_not_run = field<int>(j, "hidden_scenarios_not_run", 0);
    r.work_dir = field<std::string>(j, "work_dir", "");
    r.score = field<double>(j, "score", 0);
    r.max_score = field<double>(j, "max_score", 0);
    r.pass_mark = field<double>(j, "pass_mark", 0);
    r.passed = field<bool>(j, "passed", false);
    r.gates_failed = field<std::vector<std::string>>(j, "gates_failed", {});
    r.grading_error = field<std::string>(j, "grading_error", "");
    return r;
}

} // namespace grader
