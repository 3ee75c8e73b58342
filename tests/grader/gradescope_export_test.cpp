// `grader export-gradescope RUBRIC -o DIR` end to end: the bundle's files, and its
// run_autograder run against a fake /autograder tree (AUTOGRADER_ROOT) with the real grader.

#include "files.hpp"
#include "grader_cli.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using test_support::grader_exe;
using test_support::run;
using test_support::source_dir;
using test_support::temp_dir;
namespace fs = std::filesystem;

namespace {

bool executable(const fs::path& file) {
    return (fs::status(file).permissions() & fs::perms::owner_exec) != fs::perms::none;
}

} // namespace

TEST_CASE("export-gradescope bundles an autograder whose run_autograder writes results.json",
          "[grader][gradescope][e2e]") {
    temp_dir root;
    const auto bundle = root.path() / "bundle";
    const auto exported =
        run(grader_exe,
            {"export-gradescope", source_dir + "/rubrics/jobs-fanout.yaml", "-o", bundle.string()});
    INFO(exported.err);
    REQUIRE(exported.exit_code == 0);
    CHECK(executable(bundle / "setup.sh"));
    CHECK(executable(bundle / "run_autograder"));
    CHECK(fs::is_regular_file(bundle / "rubric/jobs-fanout.yaml"));
    CHECK(fs::is_regular_file(bundle / "rubric/jobs-fanout/scenarios/happy.yaml"));
    CHECK(fs::is_regular_file(bundle / "rubric/jobs-fanout/PROMPT.md"));
    // The bundled rubric is valid where it landed.
    CHECK(run(grader_exe, {"validate", (bundle / "rubric/jobs-fanout.yaml").string()}).exit_code ==
          0);

    // A fake /autograder: the submission where Gradescope puts it, results/ not there yet.
    const auto tree = root.path() / "autograder";
    fs::create_directories(tree);
    fs::copy(source_dir + "/submissions/python/asyncio-streams",
             tree / "submission",
             fs::copy_options::recursive);
    const std::string env = "AUTOGRADER_ROOT=" + tree.string() + " GRADER=" + grader_exe +
                            " GRADE_ARGS='--scenario happy' ";
    const auto graded = run("/bin/sh", {"-c", env + (bundle / "run_autograder").string()});
    INFO(graded.err);
    CHECK(graded.exit_code == 0);
    const auto results =
        nlohmann::json::parse(test_support::read_file(tree / "results/results.json"));
    CHECK(results["score"].get<double>() > 0);
    REQUIRE(results["tests"].is_array());
    CHECK_FALSE(results["tests"].empty());

    // A grader that cannot run still leaves Gradescope a results.json saying so.
    fs::remove(tree / "results/results.json");
    const auto broken = run("/bin/sh",
                            {"-c",
                             "AUTOGRADER_ROOT=" + tree.string() + " GRADER=/nonexistent " +
                                 (bundle / "run_autograder").string()});
    CHECK(broken.exit_code == 0);
    const auto fallback =
        nlohmann::json::parse(test_support::read_file(tree / "results/results.json"));
    CHECK(fallback["score"] == 0);
    CHECK(fallback["output"].get<std::string>().find("the grader failed (exit 127)") !=
          std::string::npos);
}

TEST_CASE("export-gradescope refuses an invalid rubric with exit 2", "[grader][gradescope][e2e]") {
    temp_dir root;
    const auto bad = root.write("bad.yaml", "schema: 1\nname: x\n");
    const auto out = run(
        grader_exe, {"export-gradescope", bad.string(), "-o", (root.path() / "bundle").string()});
    CHECK(out.exit_code == 2);
    CHECK_FALSE(fs::exists(root.path() / "bundle/run_autograder"));
}
