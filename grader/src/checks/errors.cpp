// errors: the contract's failure policy. Failed details become values (listed in failed_ids,
// named on stderr, exit 0); a failed list exits 1 with nothing on stdout and a line on stderr.

#include "scoring.hpp"

#include <algorithm>
#include <regex>

namespace grader::checks {

namespace {

// Counts criteria met; a broken one becomes a finding.
struct criteria {
    check_result& r;
    int met = 0;
    int total = 0;

    void require(bool ok, const std::string& id, const std::string& message) {
        ++total;
        met += ok ? 1 : 0;
        if (!ok) {
            add_finding(r, id, message);
        }
    }
    double share() const { return total == 0 ? 1.0 : static_cast<double>(met) / total; }
    std::string broken() const {
        return std::to_string(total - met) + " of " + std::to_string(total);
    }
};

bool names_id(const std::string& text, std::int64_t id) {
    const std::regex word("(^|[^0-9])" + std::to_string(id) + "($|[^0-9])");
    return std::regex_search(text, word);
}

std::vector<std::int64_t> reported_failures(const scenario_evidence& ev) {
    std::vector<std::int64_t> reported;
    const auto& report = ev.report.report;
    if (report && report->contains("failed_ids") && (*report)["failed_ids"].is_array()) {
        for (const auto& v : (*report)["failed_ids"]) {
            if (v.is_number_integer()) {
                reported.push_back(v.get<std::int64_t>());
            }
        }
    }
    return reported;
}

void judge_failed_list(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    criteria c{r};
    c.require(ev.run.exit_code == 1,
              "wrong-exit-code",
              "a failed list must exit with code 1, got " + how_it_ended(ev.run));
    c.require(blank(ev.run.stdout_text),
              "stdout-not-empty",
              "a failed list must print nothing on stdout");
    c.require(
        !blank(ev.run.stderr_text), "no-error-message", "a failed list must say why on stderr");
    r.summary = c.met == c.total
                    ? "the failed list was reported cleanly (exit 1, stderr, no stdout)"
                    : c.broken() + " failure-policy rules broken for a failed list";
    score(r, check, c.share());
}

// Whether the journal shows a 200 answer to a detail request for `id`.
bool answered_ok(const scenario_evidence& ev, std::int64_t id) {
    return std::any_of(ev.fanout.requests.begin(), ev.fanout.requests.end(), [&](const auto& q) {
        return q.endpoint == "detail" && q.job_id == id && q.status == 200;
    });
}

// Every failed detail listed and named; nothing listed that was fine.
void judge_failed_details(criteria& c,
                          const scenario_evidence& ev,
                          const std::vector<std::int64_t>& reported) {
    const auto& o = ev.oracle;
    const auto listed = [&](std::int64_t id) {
        return std::find(reported.begin(), reported.end(), id) != reported.end();
    };
    for (const auto& f : o.must_fail) {
        c.require(listed(f.id),
                  "failed-id-missing",
                  "job " + std::to_string(f.id) + " (" + f.reason + ") is missing from failed_ids");
        c.require(names_id(ev.run.stderr_text, f.id),
                  "failure-not-reported",
                  "stderr never names job " + std::to_string(f.id) + " (" + f.reason + ")");
    }
    for (const auto& f : o.may_fail) {
        if (listed(f.id)) {
            c.require(names_id(ev.run.stderr_text, f.id),
                      "failure-not-reported",
                      "stderr never names job " + std::to_string(f.id) + ", reported as failed");
        } else if (!ev.fanout.requests.empty()) {
            // Left out of failed_ids, it may only have succeeded: the journal must show a 200.
            c.require(answered_ok(ev, f.id),
                      "failed-id-missing",
                      "job " + std::to_string(f.id) + " (" + f.reason +
                          ") never got a 200 answer, yet is missing from failed_ids");
        }
    }
    const auto expected = [&](std::int64_t id) {
        const auto is = [&](const auto& f) { return f.id == id; };
        return std::any_of(o.must_fail.begin(), o.must_fail.end(), is) ||
               std::any_of(o.may_fail.begin(), o.may_fail.end(), is);
    };
    for (const auto id : reported) {
        c.require(expected(id),
                  "unexpected-failure",
                  "job " + std::to_string(id) + " is in failed_ids but its detail was fine");
    }
}

} // namespace

void evaluate_errors(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    const auto& o = ev.oracle;
    r.evidence = {
        {"exit", how_it_ended(ev.run)},
        {"stderr_lines", std::count(ev.run.stderr_text.begin(), ev.run.stderr_text.end(), '\n')}};
    if (o.list == mock_api::list_expectation::fails) {
        judge_failed_list(r, check, ev);
        return;
    }
    criteria c{r};
    if (o.list == mock_api::list_expectation::either && ev.run.exit_code == 1) {
        c.require(blank(ev.run.stdout_text),
                  "stdout-not-empty",
                  "a failed list must print nothing on stdout");
        r.summary = "the rate-limited list was given up on (allowed)";
        score(r, check, c.share());
        return;
    }
    c.require(ev.run.exit_code == 0,
              "wrong-exit-code",
              "failed details must not fail the run: expected exit 0, got " + how_it_ended(ev.run));
    const auto reported = reported_failures(ev);
    judge_failed_details(c, ev, reported);
    if (c.met < c.total) {
        r.summary = c.broken() + " failure-policy rules broken";
    } else if (reported.empty()) {
        r.summary = "no detail ended up failed (a retry may have succeeded); exit 0";
    } else {
        r.summary = "every failed detail became a value: listed in failed_ids, named on stderr, "
                    "exit 0";
    }
    score(r, check, c.share());
}

} // namespace grader::checks
