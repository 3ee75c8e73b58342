#include "grader/result.hpp"

#include <cmath>
#include <map>

namespace grader {

using nlohmann::json;

namespace {

double round2(double v) { return std::round(v * 100.0) / 100.0; }

json outcome_json(const sandbox_outcome& o) {
    constexpr std::size_t shown = 64 * 1024;
    return {{"exit_code", o.exit_code ? json(*o.exit_code) : json(nullptr)},
            {"signal", o.signal ? json(signal_name(*o.signal)) : json(nullptr)},
            {"timed_out", o.timed_out},
            {"wall_s", round2(o.wall_s * 1000) / 1000},
            {"cpu_s", round2(o.cpu_s * 1000) / 1000},
            {"max_rss_kb", o.max_rss_kb},
            {"stdout", o.stdout_text.substr(0, shown)},
            {"stderr", o.stderr_text.substr(0, shown)},
            {"stdout_truncated_bytes",
             o.stdout_dropped + (o.stdout_text.size() > shown ? o.stdout_text.size() - shown : 0)},
            {"stderr_truncated_bytes",
             o.stderr_dropped + (o.stderr_text.size() > shown ? o.stderr_text.size() - shown : 0)},
            {"mock_start_s", round2(o.mock_start_s * 1000) / 1000},
            {"sandbox_error", o.error.empty() ? json(nullptr) : json(o.error)}};
}

} // namespace

void total_scores(grade_result& result) {
    result.score = 0;
    result.max_score = 0;
    result.gates_failed.clear();
    for (const auto& c : result.checks) {
        result.score += c.points;
        result.max_score += c.max_points;
        if (c.gate && !c.passed) {
            result.gates_failed.push_back(c.id);
        }
    }
    result.score = round2(result.score);
    result.max_score = round2(result.max_score);
    // A tiny epsilon keeps 70.0 >= 0.7 * 100 true despite binary fractions.
    result.passed = result.max_score > 0 &&
                    result.score + 1e-9 >= result.pass_mark * result.max_score &&
                    result.gates_failed.empty();
}

json grade_result::to_json() const {
    json checks_json = json::array();
    std::map<std::string, std::pair<double, double>> by_category;
    for (const auto& c : checks) {
        json findings_json = json::array();
        for (const auto& f : c.findings) {
            findings_json.push_back(grader::to_json(f));
        }
        checks_json.push_back({{"id", c.id},
                               {"check", c.check},
                               {"category", to_string(c.what)},
                               {"scenario", c.scenario ? json(*c.scenario) : json(nullptr)},
                               {"passed", c.passed},
                               {"gate", c.gate},
                               {"points", round2(c.points)},
                               {"max_points", round2(c.max_points)},
                               {"summary", c.summary},
                               {"evidence", c.evidence},
                               {"findings", findings_json}});
        auto& [got, max] = by_category[to_string(c.what)];
        got += c.points;
        max += c.max_points;
    }
    json categories = json::object();
    for (const auto& [name, totals] : by_category) {
        categories[name] = {{"points", round2(totals.first)},
                            {"max_points", round2(totals.second)}};
    }
    json scenarios_json = json::array();
    for (const auto& s : scenarios) {
        json sj{{"name", s.name},
                {"visibility", s.vis == visibility::visible ? "visible" : "hidden"},
                {"deadline_s", s.deadline_s},
                {"ran", s.ran}};
        if (s.ran) {
            sj["outcome"] = outcome_json(s.outcome);
            sj["fanout"] = s.fanout.to_json(true);
            if (s.runtime_trace.present) {
                sj["runtime_trace"] = s.runtime_trace.to_json();
            }
            json files = json::array();
            for (const auto& [name, bytes] : s.evidence_files) {
                files.push_back({{"name", name}, {"bytes", bytes}});
            }
            sj["evidence_files"] = files;
            sj["overhead_s"] = round2(s.overhead_s * 1000) / 1000;
        } else {
            sj["not_run_reason"] = s.not_run_reason;
        }
        if (!s.run_dir.empty()) {
            sj["run_dir"] = s.run_dir;
        }
        scenarios_json.push_back(std::move(sj));
    }
    return {{"schema_version", result_schema_version},
            {"grader", {{"name", "takehome-grader"}, {"version", grader_version}}},
            {"mode", mode},
            {"submission",
             {{"path", submission_path},
              {"name", submission_name},
              {"language", build.language},
              {"toolchain", build.toolchain}}},
            {"rubric",
             {{"name", rubric_name},
              {"version", rubric_version},
              {"file", rubric_file},
              {"content_hash", rubric_hash}}},
            {"isolation", isolation},
            {"score", score},
            {"max_score", max_score},
            {"pass_mark", pass_mark},
            {"pass_score", round2(pass_mark * max_score)},
            {"passed", passed},
            {"gates_failed", gates_failed},
            {"categories", categories},
            {"build",
             {{"ok", build.ok},
              {"language", build.language},
              {"toolchain", build.toolchain},
              {"dependency_cache", build.cache},
              {"seconds", round2(build.seconds)},
              {"summary", build.summary}}},
            {"scenarios", scenarios_json},
            {"hidden_scenarios_not_run", hidden_scenarios_not_run},
            {"work_dir", work_dir.empty() ? json(nullptr) : json(work_dir)},
            {"checks", checks_json}};
}

} // namespace grader
