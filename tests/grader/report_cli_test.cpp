// `grader report` and `grade --format` end to end, on results the real grader produced (a
// concurrent Node sample that passes; a Python fixture that prints markup and dies of an
// uncaught exception at markup.py:13), each output checked by a real consumer: xmllint against
// the junit-10.xsd shape and python3-junitparser for JUnit, the Gradescope spec's shape, GitHub's
// workflow-command syntax. The HTML report's browser test is tests/browser/check_report.js.

#include "files.hpp"
#include "grader_cli.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using test_support::grader_exe;
using test_support::run;
using test_support::source_dir;
using test_support::temp_dir;

namespace {

// Grades `dir` (relative to the source tree) on the happy scenario alone, writing the result
// JSON and a JUnit report directly.
struct graded_fixture {
    temp_dir scratch;
    std::filesystem::path json;
    std::filesystem::path junit;
    nlohmann::json result;

    explicit graded_fixture(const std::string& dir)
        : json(scratch.path() / "result.json"), junit(scratch.path() / "direct.xml") {
        const auto g = run(grader_exe,
                           {"grade",
                            source_dir + "/" + dir,
                            "--scenario",
                            "happy",
                            "--json",
                            json.string(),
                            "--format",
                            "junit",
                            "-o",
                            junit.string()});
        INFO(g.err);
        REQUIRE((g.exit_code == 0 || g.exit_code == 1));
        result = nlohmann::json::parse(test_support::read_file(json));
    }

    test_support::run_result report(const std::string& format) const {
        return run(grader_exe, {"report", json.string(), "--format", format});
    }
};

} // namespace

TEST_CASE("grader report re-renders a saved result as grade --format wrote it",
          "[grader][report][e2e]") {
    const graded_fixture g("submissions/node/fetch-promise-all");
    const auto again = g.report("junit");
    CHECK(again.exit_code == 0);
    CHECK(again.out == test_support::read_file(g.junit));
    for (const char* format :
         {"terminal", "json", "html", "gradescope", "sarif", "markdown", "github"}) {
        INFO(format);
        const auto out = g.report(format);
        CHECK(out.exit_code == 0);
        CHECK_FALSE(out.out.empty());
    }
    const auto json = nlohmann::json::parse(g.report("json").out);
    CHECK(json == g.result);
}

TEST_CASE("grader report refuses what is not a saved result with exit 2", "[grader][report][e2e]") {
    temp_dir dir;
    const auto missing = run(grader_exe, {"report", (dir.path() / "none.json").string()});
    CHECK(missing.exit_code == 2);
    const auto text = dir.write("text.json", "not json");
    const auto not_json = run(grader_exe, {"report", text.string()});
    CHECK(not_json.exit_code == 2);
    CHECK(not_json.err == "grader: " + text.string() + ": not JSON\n");
    const auto other = dir.write("other.json", "{\"checks\": []}");
    const auto not_result = run(grader_exe, {"report", other.string()});
    CHECK(not_result.exit_code == 2);
    CHECK(not_result.err ==
          "grader: " + other.string() + ": not a grading result (no schema_version)\n");
    const auto bad_format = run(grader_exe, {"report", other.string(), "--format", "pdf"});
    CHECK(bad_format.exit_code == 2);
}

TEST_CASE("JUnit reports are valid junit-10 and read back by junitparser",
          "[grader][report][e2e]") {
    const graded_fixture g("tests/browser/fixtures/hostile-markup");
    const std::string xsd = source_dir + "/tests/tools/junit-10.xsd";
    const auto valid = run("/usr/bin/xmllint", {"--noout", "--schema", xsd, g.junit.string()});
    INFO(valid.err);
    CHECK(valid.exit_code == 0);
    // The schema is not a formality: a suite without `errors` fails it.
    auto text = test_support::read_file(g.junit);
    const auto at = text.find(" errors=\"0\"", text.find("<testsuite "));
    REQUIRE(at != std::string::npos);
    std::ofstream(g.scratch.path() / "broken.xml") << text.erase(at, 11);
    CHECK(run("/usr/bin/xmllint",
              {"--noout", "--schema", xsd, (g.scratch.path() / "broken.xml").string()})
              .exit_code != 0);

    const auto read =
        run("/usr/bin/python3", {source_dir + "/tests/tools/junit_summary.py", g.junit.string()});
    INFO(read.err);
    REQUIRE(read.exit_code == 0);
    const auto summary = nlohmann::json::parse(read.out);
    REQUIRE(summary["suites"].size() == 1);
    const auto& suite = summary["suites"][0];
    CHECK(suite["name"] == g.result["submission"]["name"]);
    REQUIRE(suite["cases"].size() == g.result["checks"].size());
    std::size_t failed = 0;
    for (std::size_t i = 0; i < suite["cases"].size(); ++i) {
        const auto& check = g.result["checks"][i];
        const auto& tc = suite["cases"][i];
        CHECK(tc["name"] == check["id"]);
        CHECK(tc["results"].size() == (check["passed"] == true ? 0U : 1U));
        if (check["passed"] == false) {
            ++failed;
            CHECK(tc["results"][0]["kind"] == "failure");
            CHECK(tc["results"][0]["message"] == check["summary"]);
        }
    }
    CHECK(failed > 0);
    CHECK(suite["failures"] == failed);
    CHECK(suite["errors"] == 0);
}

TEST_CASE("GitHub annotations locate the crash and the Markdown summary escapes its markup",
          "[grader][report][e2e]") {
    const graded_fixture g("tests/browser/fixtures/hostile-markup");
    const auto github = g.report("github");
    REQUIRE(github.exit_code == 0);
    CHECK(github.out.find("::error file=markup.py,line=13,title=crash/happy%3A ") !=
          std::string::npos);
    std::istringstream lines(github.out);
    for (std::string line; std::getline(lines, line);) {
        CHECK((line.rfind("::error ", 0) == 0 || line.rfind("::warning ", 0) == 0 ||
               line.rfind("::notice ", 0) == 0));
    }
    const auto md = g.report("markdown");
    REQUIRE(md.exit_code == 0);
    CHECK(md.out.find("<script") == std::string::npos);
    CHECK(md.out.find("<img") == std::string::npos);
    CHECK(md.out.find("| ❌ | crash/happy") != std::string::npos);
}

TEST_CASE("Gradescope's results.json from a real result follows the spec's shape",
          "[grader][report][e2e]") {
    const graded_fixture g("submissions/node/fetch-promise-all");
    const auto out = g.report("gradescope");
    REQUIRE(out.exit_code == 0);
    const auto doc = nlohmann::json::parse(out.out);
    CHECK(doc["score"] == g.result["score"]);
    CHECK(doc["execution_time"].is_number_integer());
    REQUIRE(doc["tests"].size() == g.result["checks"].size());
    for (std::size_t i = 0; i < doc["tests"].size(); ++i) {
        const auto& t = doc["tests"][i];
        CHECK(t["name"] == g.result["checks"][i]["id"]);
        CHECK(t["number"] == std::to_string(i + 1));
        CHECK(t["max_score"] == g.result["checks"][i]["max_points"]);
        CHECK(t["status"] == (g.result["checks"][i]["passed"] == true ? "passed" : "failed"));
        CHECK(t["visibility"] == "visible");
        CHECK(t["tags"][0] == g.result["checks"][i]["category"]);
    }
    CHECK(doc["leaderboard"][0] ==
          nlohmann::json{{"name", "score"}, {"value", g.result["score"]}, {"order", "desc"}});
}
