#include "grader/checks.hpp"

#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>

namespace grader {

using nlohmann::json;

namespace {

std::string fixed(double v, int digits) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(digits);
    s << v;
    return s.str();
}

check_result start(const check_spec& check, const std::string& scenario) {
    check_result r;
    r.check = check.id;
    r.id = check.id + "/" + scenario;
    r.what = check.what;
    r.scenario = scenario;
    r.max_points = check.weight;
    r.gate = check.gate;
    return r;
}

// Points for a share of criteria met: all-or-nothing unless the check allows partial credit.
void score(check_result& r, const check_spec& check, double share) {
    share = std::clamp(share, 0.0, 1.0);
    r.passed = share >= 1.0 - 1e-9;
    r.points = check.partial == partial_credit::proportional ? check.weight * share
                                                             : (r.passed ? check.weight : 0.0);
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

bool names_id(const std::string& text, std::int64_t id) {
    const std::regex word("(^|[^0-9])" + std::to_string(id) + "($|[^0-9])");
    return std::regex_search(text, word);
}

std::string how_it_ended(const sandbox_outcome& run) {
    if (run.timed_out) {
        return "killed at the " + fixed(run.wall_s, 1) + " s deadline";
    }
    if (run.signal) {
        return "killed by " + signal_name(*run.signal);
    }
    return "exit " + std::to_string(run.exit_code.value_or(-1));
}

// --- output --------------------------------------------------------------------------------

void evaluate_output(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    const auto& o = ev.oracle;
    r.evidence = {{"exit", how_it_ended(ev.run)}, {"stdout_bytes", ev.run.stdout_text.size()}};
    if (o.list == mock_api::list_expectation::fails) {
        const bool ok = blank(ev.run.stdout_text);
        r.summary = ok ? "nothing on stdout, as the contract asks when the list fails"
                       : "stdout should be empty when the list fails";
        if (!ok) {
            r.findings.push_back({"stdout-not-empty",
                                  severity::error,
                                  "",
                                  0,
                                  0,
                                  r.summary,
                                  ev.run.stdout_text.substr(0, 500)});
        }
        score(r, check, ok ? 1 : 0);
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
        r.findings.push_back({"no-report", severity::error, "", 0, 0, r.summary, ""});
        score(r, check, 0);
        return;
    }
    if (!ev.report.report) {
        r.summary = blank(ev.run.stdout_text) ? "stdout is empty: no report"
                                              : "stdout is not one JSON object";
        r.findings.push_back(
            {"stdout-not-json",
             severity::error,
             "",
             0,
             0,
             blank(ev.run.stdout_text) ? r.summary : r.summary + " (" + ev.report.error + ")",
             ev.run.stdout_text.substr(0, 500)});
        score(r, check, 0);
        return;
    }
    const auto diffs = o.differences(*ev.report.report);
    for (const auto& d : diffs) {
        r.findings.push_back({"output-difference", severity::error, "", 0, 0, d, ""});
    }
    const double items =
        static_cast<double>(o.expected["completed"].size() + o.expected["failed_ids"].size() + 2);
    r.evidence["differences"] = diffs.size();
    r.summary =
        diffs.empty()
            ? "the report matches the oracle (" + std::to_string(o.expected["completed"].size()) +
                  " completed, " + std::to_string(o.expected["failed_ids"].size()) + " failed)"
            : std::to_string(diffs.size()) + " difference(s) from the oracle: " + diffs.front();
    score(r,
          check,
          diffs.empty() ? 1.0 : std::max(0.0, 1.0 - static_cast<double>(diffs.size()) / items));
}

// --- concurrency ---------------------------------------------------------------------------

void evaluate_concurrency(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    const auto& f = ev.fanout;
    r.evidence = f.to_json(false);
    // Only cleanly answered details count (faulted or rate-limited ones are left out of the
    // evidence), so that is also the most that could have overlapped.
    const double need_peak =
        std::min(check.threshold.at("min_peak_in_flight"), static_cast<double>(f.timed_details));
    const double min_eff = check.threshold.at("min_efficiency");
    if (!f.missing_ids.empty()) {
        std::string ids;
        for (std::size_t i = 0; i < f.missing_ids.size() && i < 10; ++i) {
            ids += (i ? ", " : "") + std::to_string(f.missing_ids[i]);
        }
        if (f.missing_ids.size() > 10) {
            ids += " ...";
        }
        r.findings.push_back({"missing-request",
                              severity::error,
                              "",
                              0,
                              0,
                              std::to_string(f.missing_ids.size()) +
                                  " listed job(s) never requested" +
                                  (ev.run.timed_out ? " before the deadline" : "") + ": " + ids,
                              ""});
    }
    for (const auto id : f.duplicate_ids) {
        r.findings.push_back({"duplicate-request",
                              severity::warning,
                              "",
                              0,
                              0,
                              "job " + std::to_string(id) + " was requested more than once",
                              ""});
    }
    if (f.classification == "none") {
        r.summary = "no answered detail requests to judge";
        score(r, check, 0);
        return;
    }
    const double peak_share =
        need_peak <= 1 ? 1.0 : std::min(1.0, (f.peak_in_flight - 1) / (need_peak - 1));
    const double eff_share = min_eff <= 0 ? 1.0 : std::min(1.0, f.efficiency / min_eff);
    const bool complete = f.missing_ids.empty();
    std::string what = f.classification + ": peak " + std::to_string(f.peak_in_flight) +
                       " in flight; " + std::to_string(f.detail_requests) + " details took " +
                       fixed(f.window_ms / 1000, 2) + " s where " +
                       fixed(f.ideal_full_ms / 1000, 2) + " s was possible (efficiency " +
                       fixed(f.efficiency, 2) + " at that peak)";
    if (f.peak_in_flight < need_peak) {
        r.findings.push_back(
            {"not-concurrent",
             severity::error,
             "",
             0,
             0,
             f.peak_in_flight <= 1
                 ? "detail requests never overlapped: each waited for the previous one"
                 : "at most " + std::to_string(f.peak_in_flight) +
                       " detail requests overlapped; the contract asks for at least " +
                       fixed(need_peak, 0),
             ""});
    } else if (f.efficiency < min_eff) {
        r.findings.push_back({"idle-slots",
                              severity::error,
                              "",
                              0,
                              0,
                              "requests overlapped but the fan-out left its " +
                                  std::to_string(f.peak_in_flight) +
                                  " slots idle much of the time (efficiency " +
                                  fixed(f.efficiency, 2) + " < " + fixed(min_eff, 2) + ")",
                              ""});
    }
    r.summary = what;
    score(r, check, complete ? peak_share * eff_share : 0.0);
}

// --- errors --------------------------------------------------------------------------------

void evaluate_errors(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    const auto& o = ev.oracle;
    int met = 0;
    int total = 0;
    const auto criterion = [&](bool ok, const std::string& id, const std::string& message) {
        ++total;
        met += ok ? 1 : 0;
        if (!ok) {
            r.findings.push_back({id, severity::error, "", 0, 0, message, ""});
        }
    };
    r.evidence = {
        {"exit", how_it_ended(ev.run)},
        {"stderr_lines", std::count(ev.run.stderr_text.begin(), ev.run.stderr_text.end(), '\n')}};
    if (o.list == mock_api::list_expectation::fails) {
        criterion(ev.run.exit_code == 1,
                  "wrong-exit-code",
                  "a failed list must exit with code 1, got " + how_it_ended(ev.run));
        criterion(blank(ev.run.stdout_text),
                  "stdout-not-empty",
                  "a failed list must print nothing on stdout");
        criterion(
            !blank(ev.run.stderr_text), "no-error-message", "a failed list must say why on stderr");
        r.summary = met == total
                        ? "the failed list was reported cleanly (exit 1, stderr, no stdout)"
                        : std::to_string(total - met) + " of " + std::to_string(total) +
                              " failure-policy rules broken for a failed list";
        score(r, check, static_cast<double>(met) / total);
        return;
    }
    const bool list_either = o.list == mock_api::list_expectation::either && ev.run.exit_code == 1;
    if (list_either) {
        criterion(blank(ev.run.stdout_text),
                  "stdout-not-empty",
                  "a failed list must print nothing on stdout");
        r.summary = "the rate-limited list was given up on (allowed)";
        score(r, check, static_cast<double>(met) / total);
        return;
    }
    criterion(ev.run.exit_code == 0,
              "wrong-exit-code",
              "failed details must not fail the run: expected exit 0, got " + how_it_ended(ev.run));
    std::vector<std::int64_t> reported;
    if (ev.report.report && ev.report.report->contains("failed_ids") &&
        (*ev.report.report)["failed_ids"].is_array()) {
        for (const auto& v : (*ev.report.report)["failed_ids"]) {
            if (v.is_number_integer()) {
                reported.push_back(v.get<std::int64_t>());
            }
        }
    }
    for (const auto& f : o.must_fail) {
        const bool listed = std::find(reported.begin(), reported.end(), f.id) != reported.end();
        criterion(listed,
                  "failed-id-missing",
                  "job " + std::to_string(f.id) + " (" + f.reason + ") is missing from failed_ids");
        criterion(names_id(ev.run.stderr_text, f.id),
                  "failure-not-reported",
                  "stderr never names job " + std::to_string(f.id) + " (" + f.reason + ")");
    }
    for (const auto& f : o.may_fail) {
        if (std::find(reported.begin(), reported.end(), f.id) != reported.end()) {
            criterion(names_id(ev.run.stderr_text, f.id),
                      "failure-not-reported",
                      "stderr never names job " + std::to_string(f.id) + ", reported as failed");
        }
    }
    for (const auto id : reported) {
        const bool expected =
            std::any_of(
                o.must_fail.begin(), o.must_fail.end(), [&](auto& f) { return f.id == id; }) ||
            std::any_of(o.may_fail.begin(), o.may_fail.end(), [&](auto& f) { return f.id == id; });
        criterion(expected,
                  "unexpected-failure",
                  "job " + std::to_string(id) + " is in failed_ids but its detail was fine");
    }
    if (met < total) {
        r.summary = std::to_string(total - met) + " of " + std::to_string(total) +
                    " failure-policy rules broken";
    } else if (reported.empty()) {
        r.summary = "no detail ended up failed (a retry may have succeeded); exit 0";
    } else {
        r.summary = "every failed detail became a value: listed in failed_ids, named on stderr, "
                    "exit 0";
    }
    score(r, check, static_cast<double>(met) / total);
}

// --- crash / timeout -----------------------------------------------------------------------

void evaluate_crash(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    r.findings = ev.crashes;
    r.evidence = {{"exit", how_it_ended(ev.run)}, {"crashes", ev.crashes.size()}};
    if (ev.crashes.empty()) {
        r.summary = ev.run.timed_out ? "no crash before the deadline"
                                     : "no panic, abort, uncaught exception or signal";
    } else {
        const auto& f = ev.crashes.front();
        r.summary = f.file.empty() ? f.message
                                   : f.message + " (" + f.file + ":" + std::to_string(f.line) +
                                         ":" + std::to_string(f.column) + ")";
    }
    score(r, check, ev.crashes.empty() ? 1.0 : 0.0);
}

void evaluate_timeout(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    const double limit = check.threshold.at("max_wall_s");
    r.evidence = {{"wall_s", ev.run.wall_s},
                  {"max_wall_s", limit},
                  {"deadline_s", ev.spec.deadline_s},
                  {"timed_out", ev.run.timed_out}};
    const bool ok = !ev.run.timed_out && ev.run.wall_s <= limit;
    if (ev.run.timed_out) {
        r.summary = "still running at the " + fixed(ev.spec.deadline_s, 1) + " s deadline: killed";
        r.findings.push_back({"deadline-exceeded",
                              severity::error,
                              "",
                              0,
                              0,
                              r.summary + " (is there a request without a timeout?)",
                              ""});
    } else {
        r.summary =
            "finished in " + fixed(ev.run.wall_s, 2) + " s (limit " + fixed(limit, 1) + " s)";
        if (!ok) {
            r.findings.push_back({"too-slow", severity::error, "", 0, 0, r.summary, ""});
        }
    }
    score(r, check, ok ? 1.0 : 0.0);
}

} // namespace

scenario_evidence gather_evidence(const scenario_spec& spec,
                                  const sandbox_outcome& run,
                                  const fanout_evidence& fanout,
                                  const mock_api::oracle& oracle) {
    return scenario_evidence{
        spec, run, fanout, oracle, analyse_crash(run), parse_report(run.stdout_text)};
}

check_result evaluate_build(const check_spec& check, const build_outcome& build) {
    check_result r;
    r.id = check.id;
    r.check = check.id;
    r.what = category::build;
    r.max_points = check.weight;
    r.gate = check.gate;
    r.passed = build.ok;
    r.points = build.ok ? check.weight : 0;
    r.summary = build.summary;
    r.findings = build.findings;
    r.evidence = {{"toolchain", build.toolchain},
                  {"seconds", build.seconds},
                  {"dependency_cache", build.cache}};
    return r;
}

check_result evaluate(const check_spec& check, const scenario_evidence& ev) {
    check_result r = start(check, ev.spec.name);
    switch (check.what) {
    case category::output:
        evaluate_output(r, check, ev);
        break;
    case category::concurrency:
        evaluate_concurrency(r, check, ev);
        break;
    case category::errors:
        evaluate_errors(r, check, ev);
        break;
    case category::crash:
        evaluate_crash(r, check, ev);
        break;
    case category::timeout:
        evaluate_timeout(r, check, ev);
        break;
    default:
        r.summary = "no evaluator for category " + to_string(check.what);
        break;
    }
    return r;
}

check_result not_run(const check_spec& check, const std::string& scenario, const std::string& why) {
    check_result r = start(check, scenario);
    r.summary = "not run: " + why;
    return r;
}

} // namespace grader
