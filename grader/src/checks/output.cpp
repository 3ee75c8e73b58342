// output: is stdout the report the oracle expects? Differences are named; `proportional`
// credit scales with how few there are.

#include "scoring.hpp"

#include <algorithm>

namespace grader::checks {

namespace {

// When the list fails the contract wants nothing on stdout.
void judge_failed_list(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    const bool ok = blank(ev.run.stdout_text);
    r.summary = ok ? "nothing on stdout, as the contract asks when the list fails"
                   : "stdout should be empty when the list fails";
    if (!ok) {
        add_finding(r, "stdout-not-empty", r.summary, ev.run.stdout_text.substr(0, 500));
    }
    score(r, check, ok ? 1 : 0);
}

// The report compared with the oracle, difference by difference.
void judge_report(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    const auto& o = ev.oracle;
    const auto diffs = o.differences(*ev.report.report);
    for (const auto& d : diffs) {
        add_finding(r, "output-difference", d);
    }
    const auto completed = o.expected["completed"].size();
    const auto failed = o.expected["failed_ids"].size();
    const double items = static_cast<double>(completed + failed + 2);
    r.evidence["differences"] = diffs.size();
    r.summary = diffs.empty() ? "the report matches the oracle (" + std::to_string(completed) +
                                    " completed, " + std::to_string(failed) + " failed)"
                              : std::to_string(diffs.size()) +
                                    " difference(s) from the oracle: " + diffs.front();
    score(r,
          check,
          diffs.empty() ? 1.0 : std::max(0.0, 1.0 - static_cast<double>(diffs.size()) / items));
}

} // namespace

void evaluate_output(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    const auto& o = ev.oracle;
    r.evidence = {{"exit", how_it_ended(ev.run)}, {"stdout_bytes", ev.run.stdout_text.size()}};
    if (o.list == mock_api::list_expectation::fails) {
        judge_failed_list(r, check, ev);
        return;
    }
    if (o.list == mock_api::list_expectation::either && ev.run.exit_code == 1 &&
        blank(ev.run.stdout_text)) {
        r.summary = "no report after giving up on the rate-limited list (allowed)";
        score(r, check, 1);
        return;
    }
    if (ev.run.timed_out) {
        r.summary = "no report: the run was killed at its deadline";
        add_finding(r, "no-report", r.summary);
        score(r, check, 0);
        return;
    }
    if (!ev.report.report) {
        const bool empty = blank(ev.run.stdout_text);
        r.summary = empty ? "stdout is empty: no report" : "stdout is not one JSON object";
        add_finding(r,
                    "stdout-not-json",
                    empty ? r.summary : r.summary + " (" + ev.report.error + ")",
                    ev.run.stdout_text.substr(0, 500));
        score(r, check, 0);
        return;
    }
    judge_report(r, check, ev);
}

} // namespace grader::checks
