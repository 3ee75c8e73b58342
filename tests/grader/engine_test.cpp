// The engine through a fake runner: no process is started. The fake writes the journal a mock
// would have written and returns the outcome a sandbox would have, so the whole flow
// (evidence -> checks -> scores -> result) is exercised on evidence the test controls.

#include "grader/engine.hpp"
#include "grader/model/result_json.hpp"
#include "mock_api/journal.hpp"
#include "mock_api/oracle.hpp"
#include "temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

using test_support::temp_dir;

namespace {

const char* rubric_text = R"(schema: 1
name: engine-test
version: "1"
scenarios:
  - {name: fast, deadline_s: 5, inline: {name: fast, jobs: {count: 8}, latency: {detail_ms: 100}}}
  - {name: slow, deadline_s: 5, inline: {name: slow, jobs: {count: 8}, latency: {detail_ms: 100}}}
  - {name: lost, deadline_s: 5, visibility: hidden, inline: {name: lost, jobs: {count: 2}}}
checks:
  - {id: build, category: build, weight: 10}
  - {id: output, category: output, scenarios: all, weight: 5, description: stdout is the report.}
  - {id: concurrency, category: concurrency, scenarios: [fast, slow], weight: 20}
  - {id: crash, category: crash, scenarios: all, weight: 4}
)";

// How the fake's program behaves in a scenario.
struct behaviour {
    bool overlap = true;     ///< details all at once, or one after another
    std::string stderr_text; ///< e.g. a panic
    bool fail = false;       ///< the runner cannot run it at all
};

class fake_runner final : public grader::runner {
  public:
    fake_runner(std::filesystem::path source, std::map<std::string, behaviour> plan)
        : source_(std::move(source)), plan_(std::move(plan)) {}

    std::vector<std::string> ran; ///< scenario names, in order

    common::result<grader::build_outcome> build(const grader::submission& sub,
                                                const grader::build_request&) override {
        grader::build_outcome out;
        out.ok = true;
        out.language = sub.language;
        out.toolchain = "fake 1.0";
        out.summary = "built by the fake";
        out.isolation.summary = "fake isolation";
        out.source_dir = source_;
        out.run_command = {"/nonexistent/program"};
        return out;
    }

    common::result<grader::finished_run> run(const grader::build_outcome&,
                                             const grader::run_request& request) override {
        auto scene = mock_api::load_scenario(request.scenario_file);
        REQUIRE(scene);
        const auto& how = plan_.at(scene.value().name);
        ran.push_back(scene.value().name);
        if (how.fail) {
            return common::error{common::errc::internal, "the fake refuses"};
        }
        std::filesystem::create_directories(request.run_dir / "evidence");
        grader::finished_run done;
        done.evidence_dir = request.run_dir / "evidence";
        done.outcome.isolation.summary = "fake isolation";
        done.outcome.journal = request.run_dir / "journal.json";
        std::ofstream(done.outcome.journal) << journal_for(scene.value(), how.overlap).dump();
        done.outcome.run.exit_code = 0;
        done.outcome.run.wall_s = 0.5;
        done.outcome.run.stdout_text = mock_api::compute_oracle(scene.value()).expected.dump();
        done.outcome.run.stderr_text = how.stderr_text;
        return done;
    }

  private:
    // The list, then every detail either at once (100 ms each) or one after another.
    static nlohmann::json journal_for(const mock_api::scenario& scene, bool overlap) {
        mock_api::journal_snapshot j;
        const std::int64_t t0 = 1'000'000;
        j.entries.push_back(entry("list", std::nullopt, t0, t0 + 5'000));
        std::int64_t start = t0 + 10'000;
        for (const auto& job : scene.jobs) {
            j.entries.push_back(entry("detail", job.id, start, start + 100'000));
            start += overlap ? 100 : 100'000;
        }
        return j.to_json();
    }

    static mock_api::journal_entry entry(const std::string& endpoint,
                                         std::optional<std::int64_t> id,
                                         std::int64_t from,
                                         std::int64_t to) {
        mock_api::journal_entry e;
        e.endpoint = endpoint;
        e.job_id = id;
        e.attempt = 1;
        e.status = 200;
        e.received_us = from;
        e.finished_us = to;
        e.outcome = "answered";
        return e;
    }

    std::filesystem::path source_;
    std::map<std::string, behaviour> plan_;
};

// A submission directory, a working copy with a panicking main.rs and the rubric: `fast`
// overlaps, `slow` is sequential and panics at src/main.rs:3, the runner cannot run `lost`.
struct three_scenarios {
    temp_dir dir;
    common::result<grader::rubric> rb{common::error{}};
    fake_runner runner{dir.path(),
                       {{"fast", {true, ""}},
                        {"slow", {false, "thread 'main' panicked at src/main.rs:3:5:\nboom\n"}},
                        {"lost", {true, "", true}}}};
    grader::grade_options options;

    three_scenarios() {
        dir.write("sub/submission.yaml", "language: sh\nrun: 'true'\n");
        dir.write("src/main.rs", "fn main() {\n    let x = 1;\n    panic!(\"boom\");\n}\n");
        rb = grader::load_rubric(dir.write("rubric.yaml", rubric_text));
        options.submission_dir = dir.path() / "sub";
        options.work_root = dir.path() / "work";
    }
    common::result<grader::grade_result> grade() {
        REQUIRE(rb);
        return grader::grade(rb.value(), options, runner);
    }
};

} // namespace

TEST_CASE("the engine turns a runner's evidence into checks, scores and a result",
          "[grader][engine]") {
    three_scenarios t;
    auto graded = t.grade();
    auto& runner = t.runner;
    REQUIRE(graded);
    const auto& r = graded.value();

    CHECK(runner.ran == std::vector<std::string>{"fast", "slow", "lost"});
    CHECK(r.isolation == "fake isolation");
    CHECK(r.build.toolchain == "fake 1.0");
    std::map<std::string, const grader::check_result*> by_id;
    for (const auto& c : r.checks) {
        by_id[c.id] = &c;
    }
    REQUIRE(by_id.size() == 9); // build, then output, concurrency and crash per scenario
    CHECK(by_id.at("build")->passed);
    CHECK(by_id.at("output/fast")->passed);
    CHECK(by_id.at("concurrency/fast")->passed);
    CHECK(by_id.at("concurrency/fast")->summary.rfind("full: peak 8 in flight", 0) == 0);
    CHECK_FALSE(by_id.at("concurrency/slow")->passed);
    CHECK(by_id.at("concurrency/slow")->findings.at(0).id == "not-concurrent");
    // The panic is located and carries the lines around it from the working copy.
    const auto& crash = *by_id.at("crash/slow");
    CHECK_FALSE(crash.passed);
    REQUIRE(crash.findings.size() == 1);
    CHECK(crash.findings[0].file == "src/main.rs");
    REQUIRE(crash.findings[0].excerpt);
    CHECK(crash.findings[0].excerpt->first_line == 1);
    CHECK(crash.findings[0].excerpt->lines.at(2) == "    panic!(\"boom\");");
    // A scenario the runner could not run scores nothing and says why.
    CHECK_FALSE(by_id.at("output/lost")->passed);
    CHECK(by_id.at("output/lost")->summary == "not run: the fake refuses");
    CHECK_FALSE(r.scenarios.at(2).ran);
    // Passed: build, output on fast and slow, concurrency and crash on fast.
    CHECK(r.max_score == 10 + 3 * 5 + 2 * 20 + 3 * 4);
    CHECK(r.score == 10 + 2 * 5 + 20 + 4);
    CHECK_FALSE(r.passed);
}

TEST_CASE("the engine's self-check never hands a hidden scenario to the runner",
          "[grader][engine]") {
    three_scenarios t;
    t.options.visible_only = true;
    t.options.mode = "check";
    auto graded = t.grade();
    REQUIRE(graded);
    CHECK(t.runner.ran == std::vector<std::string>{"fast", "slow"});
    CHECK(graded.value().hidden_scenarios_not_run == 1);
    CHECK(graded.value().mode == "check");
}

TEST_CASE("a saved result reads back into the same result, unknown fields and all",
          "[grader][result]") {
    three_scenarios t;
    auto graded = t.grade();
    REQUIRE(graded);
    auto written = grader::to_json(graded.value());
    written["a_field_from_the_future"] = {{"x", 1}};
    written["checks"][0]["another_one"] = true;
    auto read = grader::grade_result_from_json(written);
    REQUIRE(read);
    CHECK(read.value().schema_version == grader::result_schema_version);
    // What the HTML report draws and explains: the ideal window's start on the timeline (the
    // list at 0 ms, the first detail 10 ms later) and the rubric's words for a check.
    REQUIRE(read.value().scenarios.size() >= 1);
    CHECK(read.value().scenarios[0].fanout.window_start_ms == Approx(10));
    CHECK(read.value().scenarios[0].fanout.requests.size() == 9);
    const auto output =
        std::find_if(read.value().checks.begin(),
                     read.value().checks.end(),
                     [](const grader::check_result& c) { return c.check == "output"; });
    REQUIRE(output != read.value().checks.end());
    CHECK(output->description == "stdout is the report.");
    auto again = grader::to_json(read.value());
    written.erase("a_field_from_the_future");
    written["checks"][0].erase("another_one");
    CHECK(again == written);
    CHECK_FALSE(grader::grade_result_from_json(nlohmann::json::array()));
    CHECK_FALSE(grader::grade_result_from_json({{"checks", 1}}));
    CHECK_FALSE(grader::grade_result_from_json({{"schema_version", 1e30}}));
}

TEST_CASE("integer fields out of their type's range read as their defaults", "[grader][result]") {
    // A float beyond an integer's range would be converted with undefined behaviour (UBSan).
    const auto doc = nlohmann::json::parse(R"({"schema_version": 2, "scenarios": [{"ran": true,
        "fanout": {"detail_requests": 1e30, "peak_in_flight": -1e20, "missing_ids": [1, 2e40]},
        "outcome": {"exit_code": 4294967296.0}}]})");
    const auto read = grader::grade_result_from_json(doc);
    REQUIRE(read);
    REQUIRE(read.value().scenarios.size() == 1);
    auto again = grader::to_json(read.value());
    REQUIRE(again["scenarios"][0].contains("fanout"));
    CHECK(again["scenarios"][0]["fanout"]["detail_requests"] == 0);
    CHECK(again["scenarios"][0]["fanout"]["peak_in_flight"] == 0);
    CHECK(again["scenarios"][0]["fanout"]["missing_ids"].empty());
    CHECK(again["scenarios"][0]["outcome"]["exit_code"] != 4294967296.0);
}
