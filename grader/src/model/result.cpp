#include "grader/model/result.hpp"

#include "grader/model/result_json.hpp"

#include <array>
#include <cmath>
#include <csignal>
#include <cstring>

namespace grader {

namespace {

double round2(double v) { return std::round(v * 100.0) / 100.0; }

} // namespace

std::string signal_name(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

std::optional<int> signal_from_name(std::string_view name) {
    for (int sig = 1; sig < NSIG; ++sig) {
        const char* abbrev = sigabbrev_np(sig);
        if (abbrev != nullptr && name.size() > 3 && name.substr(0, 3) == "SIG" &&
            name.substr(3) == abbrev) {
            return sig;
        }
    }
    return std::nullopt;
}

namespace {

constexpr std::array<std::pair<limit_hit, std::string_view>, 6> limit_names{{
    {limit_hit::none, "none"},
    {limit_hit::deadline, "deadline"},
    {limit_hit::memory, "memory"},
    {limit_hit::processes, "processes"},
    {limit_hit::cpu, "cpu"},
    {limit_hit::output, "output"},
}};

} // namespace

std::string to_string(limit_hit l) {
    for (const auto& [e, name] : limit_names) {
        if (e == l) {
            return std::string(name);
        }
    }
    return "none";
}

limit_hit limit_hit_from_string(std::string_view name) {
    for (const auto& [e, n] : limit_names) {
        if (n == name) {
            return e;
        }
    }
    return limit_hit::none;
}

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

nlohmann::json grade_result::to_json() const { return grader::to_json(*this); }

} // namespace grader
