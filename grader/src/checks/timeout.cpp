// timeout: finished within max_wall_s and before the scenario's deadline.

#include "scoring.hpp"

namespace grader::checks {

void evaluate_timeout(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    const double limit = check.threshold.at("max_wall_s");
    r.evidence = {{"wall_s", ev.run.wall_s},
                  {"max_wall_s", limit},
                  {"deadline_s", ev.deadline_s},
                  {"timed_out", ev.run.timed_out}};
    const bool ok = !ev.run.timed_out && ev.run.wall_s <= limit;
    if (ev.run.timed_out) {
        r.summary = "still running at the " + fixed(ev.deadline_s, 1) + " s deadline: killed";
        if (ev.run.forks_refused > 0) {
            r.summary +=
                " (the process limit refused " + std::to_string(ev.run.forks_refused) + " forks)";
        }
        add_finding(r, "deadline-exceeded", r.summary + " (is there a request without a timeout?)");
    } else {
        r.summary =
            "finished in " + fixed(ev.run.wall_s, 2) + " s (limit " + fixed(limit, 1) + " s)";
        if (!ok) {
            add_finding(r, "too-slow", r.summary);
        }
    }
    score(r, check, ok ? 1.0 : 0.0);
}

} // namespace grader::checks
