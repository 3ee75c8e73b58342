#include "grader/report/gradescope.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace grader {

using nlohmann::json;

namespace {

// Scores as Gradescope shows them: two decimals at most.
double score(double v) { return std::isfinite(v) ? std::round(v * 100) / 100 : 0.0; }

std::string visibility_of(const grade_result& r, const check_result& c) {
    if (!c.scenario) {
        return "visible";
    }
    const auto s = std::find_if(r.scenarios.begin(), r.scenarios.end(), [&](const auto& x) {
        return x.name == *c.scenario;
    });
    return s != r.scenarios.end() && s->vis == visibility::hidden ? "hidden" : "visible";
}

std::string test_output(const check_result& c) {
    std::string text = c.summary;
    if (!c.description.empty()) {
        text += "\n\nThe check: " + c.description;
    }
    for (const auto& f : c.findings) {
        text += "\n- ";
        if (!f.file.empty()) {
            text += f.file + (f.line > 0 ? ":" + std::to_string(f.line) : "") + ": ";
        }
        text += f.message;
        if (f.explained) {
            text += "\n  " + f.explained->code + ": " + f.explained->text;
            if (!f.explained->after.empty()) {
                text += "\n  line " + std::to_string(f.explained->fix_line) +
                        " before: " + f.explained->before + "\n  after: " + f.explained->after;
            }
        }
    }
    if (!c.advice.empty()) {
        text += "\n\nWhat to do: " + c.advice;
    }
    return text;
}

json test_of(const grade_result& r, const check_result& c, std::size_t number) {
    json tags = json::array({to_string(c.what)});
    if (c.gate) {
        tags.push_back("gate");
    }
    return {{"name", c.id},
            {"number", std::to_string(number)},
            {"score", score(c.points)},
            {"max_score", score(c.max_points)},
            {"status", c.passed ? "passed" : "failed"},
            {"output", test_output(c)},
            {"tags", std::move(tags)},
            {"visibility", visibility_of(r, c)}};
}

std::string shown(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", score(v));
    return buf;
}

std::string overall_output(const grade_result& r) {
    std::string text = (r.passed ? "PASSED" : "NOT PASSED") + std::string(": score ") +
                       shown(r.score) + "/" + shown(r.max_score) + " (pass mark " +
                       shown(r.pass_mark * r.max_score) + ")";
    for (std::size_t i = 0; i < r.gates_failed.size(); ++i) {
        text += (i == 0 ? "; failed gate: " : ", ") + r.gates_failed[i];
    }
    return text + "\nrubric " + r.rubric_name + " " + r.rubric_version +
           "; isolation: " + r.isolation;
}

} // namespace

std::string render_gradescope(const grade_result& r) {
    json tests = json::array();
    for (std::size_t i = 0; i < r.checks.size(); ++i) {
        tests.push_back(test_of(r, r.checks[i], i + 1));
    }
    double seconds = r.build.seconds;
    double wall = 0;
    for (const auto& s : r.scenarios) {
        seconds += s.outcome.wall_s + s.overhead_s;
        wall += s.outcome.wall_s;
    }
    json doc{
        {"score", score(r.score)},
        {"execution_time", static_cast<long long>(std::ceil(seconds))},
        {"output", overall_output(r)},
        {"tests", std::move(tests)},
        {"leaderboard",
         json::array({{{"name", "score"}, {"value", score(r.score)}, {"order", "desc"}},
                      {{"name", "run wall time (s)"}, {"value", score(wall)}, {"order", "asc"}}})}};
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace grader
