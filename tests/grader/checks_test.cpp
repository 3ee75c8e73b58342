#include "grader/checks/checks.hpp"
#include "grader/report/terminal.hpp"

#include <catch2/catch.hpp>

using nlohmann::json;

namespace {

struct fixture {
    grader::scenario_spec spec;
    grader::run_outcome run;
    grader::fanout_evidence fanout;
    mock_api::oracle oracle;

    explicit fixture(const std::string& scenario_yaml) {
        auto s = mock_api::parse_scenario(scenario_yaml, "f.yaml");
        REQUIRE(s);
        spec.name = s.value().name;
        spec.scene = s.value();
        spec.deadline_s = 10;
        oracle = mock_api::compute_oracle(spec.scene);
        run.exit_code = 0;
    }
    grader::check_result check(const grader::check_spec& c) {
        return grader::evaluate(c, grader::derive_evidence(spec, run, fanout));
    }
};

const char* two_faults = R"(
name: faults
jobs:
  list:
    - {id: 1, name: a, status: completed, owner: ana, duration_ms: 10}
    - {id: 2, name: b, status: completed, owner: bo, duration_ms: 20}
    - {id: 3, name: c, status: running, owner: chen, duration_ms: 30}
faults:
  detail:
    - {ids: [2], kind: status, status: 500}
    - {ids: [3], kind: reset}
)";

grader::check_spec spec_of(grader::category what,
                           grader::partial_credit partial = grader::partial_credit::none) {
    grader::check_spec c;
    c.id = "c";
    c.what = what;
    c.weight = 10;
    c.partial = partial;
    c.threshold = {{"min_peak_in_flight", 8},
                   {"min_efficiency", 0.5},
                   {"max_refill_share", 0.1},
                   {"max_wall_s", 3.5}};
    return c;
}

} // namespace

TEST_CASE("the errors check wants failed ids listed and named on stderr", "[grader][checks]") {
    fixture f(two_faults);
    f.run.stdout_text = f.oracle.expected.dump();
    f.run.stderr_text = "job 2: status 500\njob 3: connection reset\n";
    auto good = f.check(spec_of(grader::category::errors));
    CHECK(good.passed);
    CHECK(good.points == 10);
    CHECK(good.id == "c/faults");

    f.run.stderr_text = "job 2: status 500\n"; // job 3 never named
    auto partial = f.check(spec_of(grader::category::errors, grader::partial_credit::proportional));
    CHECK_FALSE(partial.passed);
    REQUIRE(partial.findings.size() == 1);
    CHECK(partial.findings[0].message == "stderr never names job 3 (connection reset)");
    // 7 rules: exit 0, each failed id listed and named (4), each listed id expected (2).
    CHECK(partial.points == Approx(10.0 * 6 / 7));
    auto strict = f.check(spec_of(grader::category::errors));
    CHECK(strict.points == 0);
}

TEST_CASE("the errors check does not take job 12 for job 2", "[grader][checks]") {
    fixture f(two_faults);
    f.run.stdout_text = f.oracle.expected.dump();
    f.run.stderr_text = "job 12 failed\njob 3: connection reset\n";
    CHECK_FALSE(f.check(spec_of(grader::category::errors)).passed);
}

TEST_CASE("the errors check takes a rate-limited job left out of failed_ids for a retry only "
          "when the journal shows its 200",
          "[grader][checks]") {
    fixture f(R"(
name: limited
jobs:
  list:
    - {id: 1, name: a, status: completed, owner: ana, duration_ms: 10}
    - {id: 2, name: b, status: completed, owner: bo, duration_ms: 20}
faults:
  detail:
    - {ids: [2], kind: rate_limit, attempts: 1, retry_after_s: 1}
)");
    json report = f.oracle.expected;
    report["failed_ids"] = json::array();
    f.run.stdout_text = report.dump();
    const auto detail = [](std::int64_t id, int attempt, int status) {
        grader::request_interval q;
        q.endpoint = "detail";
        q.job_id = id;
        q.attempt = attempt;
        q.status = status;
        return q;
    };
    // Job 2 was asked once, got its 429, and was silently dropped: not a retry that succeeded.
    f.fanout.requests = {detail(1, 1, 200), detail(2, 1, 429)};
    auto swallowed = f.check(spec_of(grader::category::errors));
    CHECK_FALSE(swallowed.passed);
    REQUIRE(swallowed.findings.size() == 1);
    CHECK(swallowed.findings[0].id == "failed-id-missing");
    CHECK(swallowed.findings[0].message ==
          "job 2 (429 for the first 1 attempt(s)) never got a 200 answer, yet is missing from "
          "failed_ids");

    f.fanout.requests.push_back(detail(2, 2, 200)); // the retry
    CHECK(f.check(spec_of(grader::category::errors)).passed);
}

TEST_CASE("the output check explains differences and scores them proportionally",
          "[grader][checks]") {
    fixture f(two_faults);
    json wrong = f.oracle.expected;
    wrong["total_jobs"] = 2;
    f.run.stdout_text = wrong.dump();
    auto r = f.check(spec_of(grader::category::output, grader::partial_credit::proportional));
    CHECK_FALSE(r.passed);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].message == "total_jobs is 2, expected 3");
    CHECK(r.points > 0);
    CHECK(r.points < 10);

    f.run.stdout_text = "not json";
    auto garbage = f.check(spec_of(grader::category::output, grader::partial_credit::proportional));
    CHECK(garbage.points == 0);
    CHECK(garbage.summary == "stdout is not one JSON object");
}

TEST_CASE("a timed-out run fails output and timeout but is no crash", "[grader][checks]") {
    fixture f(two_faults);
    f.run.exit_code.reset();
    f.run.signal = 9;
    f.run.timed_out = true;
    f.run.wall_s = 10;
    CHECK_FALSE(f.check(spec_of(grader::category::output)).passed);
    const auto timeout = f.check(spec_of(grader::category::timeout));
    CHECK_FALSE(timeout.passed);
    CHECK(timeout.summary == "still running at the 10.0 s deadline: killed");
    CHECK(f.check(spec_of(grader::category::crash)).passed);
}

TEST_CASE("the concurrency check fails a sequential client and passes a bound of 8",
          "[grader][checks]") {
    fixture f("name: w\njobs: {count: 40}\nlatency: {detail_ms: 100}\n");
    f.fanout.listed = 40;
    f.fanout.detail_requests = 40;
    f.fanout.timed_details = 40;
    f.fanout.classification = "sequential";
    f.fanout.peak_in_flight = 1;
    f.fanout.efficiency = 1.0;
    f.fanout.window_ms = 4000;
    f.fanout.ideal_full_ms = 100;
    const auto seq = f.check(spec_of(grader::category::concurrency));
    CHECK_FALSE(seq.passed);
    REQUIRE_FALSE(seq.findings.empty());
    CHECK(seq.findings[0].id == "not-concurrent");

    f.fanout.classification = "bounded(8)";
    f.fanout.peak_in_flight = 8;
    f.fanout.efficiency = 0.9;
    f.fanout.window_ms = 550;
    CHECK(f.check(spec_of(grader::category::concurrency)).passed);
}

TEST_CASE("a failed gate fails the submission whatever the score", "[grader][score]") {
    grader::grade_result r;
    r.pass_mark = 0.5;
    grader::check_result a;
    a.id = "a";
    a.passed = true;
    a.points = a.max_points = 90;
    grader::check_result gate;
    gate.id = "crash/x";
    gate.gate = true;
    gate.passed = false;
    gate.max_points = 10;
    r.checks = {a, gate};
    grader::total_scores(r);
    CHECK(r.score == 90);
    CHECK(r.max_score == 100);
    CHECK_FALSE(r.passed);
    CHECK(r.gates_failed == std::vector<std::string>{"crash/x"});
    r.checks[1].passed = true;
    grader::total_scores(r);
    CHECK(r.passed);
}

TEST_CASE("the result JSON carries the documented fields", "[grader][result]") {
    grader::grade_result r;
    r.mode = "grade";
    r.rubric_hash = "sha256:00";
    grader::check_result c;
    c.id = "output/happy";
    c.check = "output";
    c.what = grader::category::output;
    c.scenario = "happy";
    c.max_points = 5;
    c.findings.push_back({"output-difference",
                          grader::severity::error,
                          "src/main.rs",
                          3,
                          0,
                          "missing completed job 7",
                          ""});
    r.checks = {c};
    grader::total_scores(r);
    const auto j = r.to_json();
    for (const char* key : {"schema_version",
                            "grader",
                            "submission",
                            "rubric",
                            "score",
                            "max_score",
                            "pass_mark",
                            "isolation",
                            "checks",
                            "scenarios",
                            "categories",
                            "passed"}) {
        CHECK(j.contains(key));
    }
    CHECK(j["schema_version"] == 4);
    const auto& check = j["checks"][0];
    CHECK(check["category"] == "output");
    CHECK(check["scenario"] == "happy");
    CHECK(check["findings"][0]["file"] == "src/main.rs");
    CHECK(check["findings"][0]["line"] == 3);
    CHECK(j["categories"]["output"]["max_points"] == 5);
}

TEST_CASE("the terminal report marks checks and uses colour only when asked", "[grader][report]") {
    grader::grade_result r;
    r.mode = "grade";
    r.pass_mark = 0.5;
    grader::check_result ok;
    ok.id = "build";
    ok.passed = true;
    ok.points = ok.max_points = 10;
    ok.summary = "built";
    grader::check_result bad;
    bad.id = "crash/detail-faults";
    bad.max_points = 4;
    bad.summary = "panicked";
    bad.findings.push_back({"unwrap-panic",
                            grader::severity::error,
                            "src/main.rs",
                            67,
                            59,
                            "thread 'main' panicked",
                            ""});
    r.checks = {ok, bad};
    grader::total_scores(r);
    const auto plain = grader::render_terminal(r, false);
    CHECK(plain.find("✓ build") != std::string::npos);
    CHECK(plain.find("✗ crash/detail-faults") != std::string::npos);
    CHECK(plain.find("- src/main.rs:67: thread 'main' panicked") != std::string::npos);
    CHECK(plain.find("score 10/14") != std::string::npos);
    CHECK(plain.find('\x1b') == std::string::npos);
    CHECK(grader::render_terminal(r, true).find("\x1b[32m") != std::string::npos);
}

TEST_CASE("giving up on a rate-limited list is an acceptable output", "[grader][checks]") {
    fixture f("name: l\njobs: {count: 3}\nfaults:\n  list: {kind: rate_limit, attempts: 1}\n");
    f.run.exit_code = 1;
    f.run.stderr_text = "the list is rate limited\n";
    CHECK(f.check(spec_of(grader::category::output)).passed);
    CHECK(f.check(spec_of(grader::category::errors)).passed);
    f.run.exit_code = 0;
    f.run.stdout_text = f.oracle.expected.dump();
    CHECK(f.check(spec_of(grader::category::output)).passed);
}

TEST_CASE("the required overlap is capped by the details that could be judged",
          "[grader][checks]") {
    fixture f("name: w\njobs: {count: 40}\nlatency: {detail_ms: 100}\n");
    f.fanout.listed = 40;
    f.fanout.detail_requests = 40;
    f.fanout.timed_details = 5; // the rest were faulted or rate-limited
    f.fanout.classification = "full";
    f.fanout.peak_in_flight = 5;
    f.fanout.efficiency = 0.95;
    CHECK(f.check(spec_of(grader::category::concurrency)).passed);
}

TEST_CASE("low efficiency fails concurrency only when freed slots waited for work",
          "[grader][checks]") {
    fixture f("name: w\njobs: {count: 200}\nlatency: {detail_ms: 200}\n");
    f.fanout.listed = f.fanout.detail_requests = f.fanout.timed_details = 200;
    f.fanout.classification = "bounded(120)";
    f.fanout.peak_in_flight = 120;
    f.fanout.efficiency = 0.4;
    f.fanout.window_ms = 900;
    f.fanout.ideal_full_ms = 200;
    // A client slow to send: every freed slot saw a new request within 2 ms.
    f.fanout.refills = 80;
    f.fanout.refill_median_ms = 2;
    CHECK(f.check(spec_of(grader::category::concurrency)).passed);
    // A client that waits: freed slots sat idle 150 ms for their next request.
    f.fanout.refill_median_ms = 150;
    const auto idle = f.check(spec_of(grader::category::concurrency));
    CHECK_FALSE(idle.passed);
    REQUIRE_FALSE(idle.findings.empty());
    CHECK(idle.findings[0].id == "idle-slots");
    // One straggler sent late after everything else was in flight is not a pool idling.
    f.fanout.refills = 1;
    f.fanout.refill_median_ms = 300;
    CHECK(f.check(spec_of(grader::category::concurrency)).passed);
}

namespace {

grader::check_spec blocking_spec(double static_fails) {
    grader::check_spec c;
    c.id = "blocking";
    c.what = grader::category::blocking;
    c.weight = 15;
    c.threshold = {{"static_fails", static_fails}};
    return c;
}

grader::static_analysis one_static_sleep() {
    grader::static_analysis s;
    s.ran = true;
    s.rules.push_back({"rust-thread-sleep-in-async", "blocking", "error", "m", "e"});
    s.findings.push_back({"rust-thread-sleep-in-async",
                          grader::severity::error,
                          "src/main.rs",
                          64,
                          5,
                          "std::thread::sleep inside async fn detail blocks a runtime worker",
                          "",
                          std::nullopt,
                          {"static"}});
    return s;
}

} // namespace

TEST_CASE("a blocking call seen at run time fails blocking, joined with the static finding there",
          "[grader][checks][blocking]") {
    fixture f("name: b\njobs: {count: 2}\n");
    auto ev = grader::derive_evidence(f.spec, f.run, f.fanout);
    ev.blocking.probe_loaded = true;
    ev.blocking.runtimes_seen = {"tokio"};
    ev.blocking.calls.push_back({"clock_nanosleep",
                                 "sleep 5 ms",
                                 "tokio worker task poll",
                                 "src/main.rs",
                                 64,
                                 "detail",
                                 5.2,
                                 3,
                                 {"probe"}});
    const auto r = grader::evaluate_blocking(blocking_spec(1), {&ev}, one_static_sleep());
    CHECK_FALSE(r.passed);
    CHECK(r.points == 0);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].id == "blocking-call");
    CHECK(r.findings[0].line == 64);
    CHECK(r.findings[0].sources == std::vector<std::string>{"probe", "static"});
}

TEST_CASE("a static-only blocking call fails unless the rubric lowers it to a warning",
          "[grader][checks][blocking]") {
    fixture f("name: b\njobs: {count: 2}\n");
    auto ev = grader::derive_evidence(f.spec, f.run, f.fanout);
    ev.blocking.probe_loaded = true;
    ev.blocking.runtimes_seen = {"tokio"};
    const auto strict = grader::evaluate_blocking(blocking_spec(1), {&ev}, one_static_sleep());
    CHECK_FALSE(strict.passed);
    REQUIRE(strict.findings.size() == 1);
    CHECK(strict.findings[0].id == "blocking-call-static");
    CHECK(strict.findings[0].message.find("(not seen at run time)") != std::string::npos);
    const auto lenient = grader::evaluate_blocking(blocking_spec(0), {&ev}, one_static_sleep());
    CHECK(lenient.passed);
    CHECK(lenient.findings.at(0).level == grader::severity::warning);
}

TEST_CASE("blocking passes a program with no async runtime and says why, and a missing probe "
          "never excuses",
          "[grader][checks][blocking]") {
    fixture f("name: b\njobs: {count: 2}\n");
    auto ev = grader::derive_evidence(f.spec, f.run, f.fanout);
    ev.blocking.probe_loaded = true;
    const auto threads = grader::evaluate_blocking(blocking_spec(1), {&ev}, {});
    CHECK(threads.passed);
    CHECK(threads.summary == "no async runtime in any run: there was no async context to block");
    ev.blocking.probe_loaded = false;
    ev.blocking.probe_missing = "no heartbeat";
    const auto unprobed = grader::evaluate_blocking(blocking_spec(1), {&ev}, one_static_sleep());
    CHECK_FALSE(unprobed.passed);
    const auto silent = grader::evaluate_blocking(blocking_spec(1), {&ev}, {});
    CHECK(silent.summary.find("the probe did not run (no heartbeat)") != std::string::npos);
}

TEST_CASE("the terminal report escapes control characters and names missing sandbox measures",
          "[grader][report]") {
    grader::grade_result r;
    r.mode = "grade";
    r.build.language = "sh\x1b]0;title\a";
    r.isolation = "netns+pidns+mntns (root); no own uid; private root; seccomp; cgroups";
    r.isolation_detail.unavailable = {"a uid of its own: the grader lacks CAP_SETUID/CAP_SETGID"};
    grader::check_result crash;
    crash.id = "crash/one";
    crash.max_points = 1;
    crash.summary = "thread 'main' panicked: \x1b[2J\rscore 1/1: PASSED\n\xc2\x9b"
                    "31m\xff";
    crash.findings.push_back({"rust-panic",
                              grader::severity::error,
                              "src/\x1b[8mmain.rs",
                              1,
                              1,
                              "thread 'main' panicked: \x1b]52;c;ZWNobyBwd25lZA==\a\xe2\x80\xae",
                              ""});
    r.checks = {crash};
    grader::total_scores(r);
    const auto plain = grader::render_terminal(r, false);
    CHECK(plain.find('\x1b') == std::string::npos);
    CHECK(plain.find('\a') == std::string::npos);
    CHECK(plain.find('\r') == std::string::npos);
    CHECK(plain.find("\xc2\x9b") == std::string::npos);
    CHECK(plain.find("(sh\\e]0;title\\a)") != std::string::npos);
    CHECK(plain.find("panicked: \\e[2J\\rscore 1/1: PASSED\\n\\u{009b}31m\\xff") !=
          std::string::npos);
    CHECK(plain.find("- src/\\e[8mmain.rs:1: thread 'main' panicked: "
                     "\\e]52;c;ZWNobyBwd25lZA==\\a\\u{202e}") != std::string::npos);
    CHECK(plain.find("sandbox weaker than it should be, not in force:\n"
                     "  ! a uid of its own: the grader lacks CAP_SETUID/CAP_SETGID\n") !=
          std::string::npos);
    CHECK(plain.find("✗ crash/one") != std::string::npos); // UTF-8 text stays as it is
}
