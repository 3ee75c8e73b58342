#include "scoring.hpp"

#include <algorithm>
#include <sstream>

namespace grader::checks {

check_result start(const check_spec& check, const std::string& scenario) {
    check_result r;
    r.check = check.id;
    r.id = check.id + "/" + scenario;
    r.what = check.what;
    r.scenario = scenario;
    r.max_points = check.weight;
    r.gate = check.gate;
    r.description = check.description;
    return r;
}

void score(check_result& r, const check_spec& check, double share) {
    share = std::clamp(share, 0.0, 1.0);
    r.passed = share >= 1.0 - 1e-9;
    r.points = check.partial == partial_credit::proportional ? check.weight * share
                                                             : (r.passed ? check.weight : 0.0);
}

void add_finding(check_result& r,
                 const std::string& id,
                 const std::string& message,
                 const std::string& detail,
                 severity level) {
    r.findings.push_back({id, level, "", 0, 0, message, detail, std::nullopt});
}

std::string fixed(double v, int digits) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(digits);
    s << v;
    return s.str();
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string how_it_ended(const run_outcome& run) {
    if (run.timed_out) {
        return "killed at the " + fixed(run.wall_s, 1) + " s deadline";
    }
    if (run.signal) {
        return "killed by " + signal_name(*run.signal);
    }
    return "exit " + std::to_string(run.exit_code.value_or(-1));
}

} // namespace grader::checks
