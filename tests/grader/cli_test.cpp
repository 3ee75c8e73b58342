// The grader's commands end to end: validate, check, export-public, and their errors.

#include "grader_cli.hpp"

#include <catch2/catch.hpp>

using test_support::grader_exe;
using test_support::run;
using test_support::source_dir;
using test_support::temp_dir;

TEST_CASE("grader validate accepts the default rubric", "[grader][cli][e2e]") {
    const auto r = run(grader_exe, {"validate", source_dir + "/rubrics/jobs-fanout.yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(": ok: jobs-fanout 1.1, 8 scenarios (3 hidden), 7 checks, sha256:") !=
          std::string::npos);
}

TEST_CASE("a rubric error is located by every command that loads it", "[grader][cli][e2e]") {
    temp_dir dir;
    const auto rubric = dir.write("bad.yaml",
                                  "schema: 1\nname: x\nversion: \"1\"\nscenarios: []\nchecks:\n"
                                  "  - {id: b, category: build, wieght: 3}\n");
    const std::string expected =
        "grader: " + rubric.string() +
        ":6:30: unknown key 'wieght' in 'check' (did you mean 'weight'?)\n";
    const auto validate = run(grader_exe, {"validate", rubric.string()});
    CHECK(validate.exit_code == 2);
    CHECK(validate.err == expected);
    dir.write("sub/submission.yaml", "language: sh\nrun: 'true'\n");
    const auto grade =
        run(grader_exe, {"grade", (dir.path() / "sub").string(), "--rubric", rubric.string()});
    CHECK(grade.exit_code == 2);
    CHECK(grade.err == expected);
}

TEST_CASE("grader grade refuses unknown scenarios and non-submissions with exit 2",
          "[grader][cli][e2e]") {
    temp_dir dir;
    dir.write("sub/submission.yaml", "language: sh\nrun: 'true'\n");
    const auto unknown =
        run(grader_exe, {"grade", (dir.path() / "sub").string(), "--scenario", "hapy"});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err == "grader: unknown scenario 'hapy' (did you mean 'happy'?)\n");
    std::filesystem::create_directories(dir.path() / "empty");
    const auto empty = run(grader_exe, {"grade", (dir.path() / "empty").string()});
    CHECK(empty.exit_code == 2);
    CHECK(empty.err.find("cannot tell how to build it") != std::string::npos);
    CHECK(run(grader_exe, {"grade"}).exit_code == 2);
}

TEST_CASE("a grading that cannot complete still writes its result, saying why",
          "[grader][cli][e2e]") {
    temp_dir dir;
    std::filesystem::create_directories(dir.path() / "empty");
    const auto json_file = dir.path() / "result.json";
    const auto empty =
        run(grader_exe, {"grade", (dir.path() / "empty").string(), "--json", json_file.string()});
    CHECK(empty.exit_code == 2);
    std::ifstream in(json_file);
    REQUIRE(in);
    const auto result = nlohmann::json::parse(in);
    CHECK(result["passed"] == false);
    CHECK(result["submission"]["name"] == "empty");
    CHECK(result["rubric"]["name"] == "jobs-fanout");
    CHECK(result["grading_error"].get<std::string>().find("cannot tell how to build it") !=
          std::string::npos);
    CHECK(empty.out.find("grading did not complete: ") != std::string::npos);
}

TEST_CASE("grader check runs only visible scenarios and says how many are hidden",
          "[grader][cli][e2e]") {
    temp_dir dir;
    // A quick wrong answer: the list is fetched, nothing else.
    dir.write("sub/submission.yaml",
              "language: sh\nrun: 'curl -s -m 2 $JOBS_API_URL/jobs >/dev/null; echo {}'\n");
    const auto json_file = dir.path() / "check.json";
    const auto r =
        run(grader_exe, {"check", (dir.path() / "sub").string(), "--json", json_file.string()});
    CHECK(r.exit_code == 1); // below the pass mark
    CHECK(r.out.find("(3 hidden scenarios will be added in the full grading)") !=
          std::string::npos);
    std::ifstream in(json_file);
    const auto result = nlohmann::json::parse(in);
    CHECK(result["mode"] == "check");
    CHECK(result["hidden_scenarios_not_run"] == 3);
    for (const auto& s : result["scenarios"]) {
        CHECK(s["visibility"] == "visible");
    }
    CHECK(r.out.find("odd-casing") == std::string::npos);
    CHECK(r.out.find("rate-limited") == std::string::npos);
}

TEST_CASE("grader export-public writes a candidate-safe rubric that check can use",
          "[grader][cli][e2e]") {
    temp_dir dir;
    const auto out = dir.path() / "public";
    const auto r =
        run(grader_exe,
            {"export-public", source_dir + "/rubrics/jobs-fanout.yaml", "-o", out.string()});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("(3 hidden scenario(s) left out)") != std::string::npos);
    CHECK(std::filesystem::exists(out / "PROMPT.md"));
    CHECK(std::filesystem::exists(out / "scenarios/happy.yaml"));
    CHECK_FALSE(std::filesystem::exists(out / "scenarios/rate-limited.yaml"));
    const auto validate = run(grader_exe, {"validate", (out / "jobs-fanout.yaml").string()});
    CHECK(validate.exit_code == 0);
    CHECK(validate.out.find("5 scenarios (0 hidden)") != std::string::npos);
}
