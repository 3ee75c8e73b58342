// cmake --install into a temporary prefix, then the installed grader grades a submission
// copied outside the checkout, with its default rubric found beside it (never the source tree).

#include "grader_cli.hpp"

#include <catch2/catch.hpp>

using test_support::run;
using test_support::source_dir;
using test_support::temp_dir;
namespace fs = std::filesystem;

TEST_CASE("an installed grader grades from outside the checkout with its installed rubric",
          "[grader][install][e2e]") {
    temp_dir prefix;
    const auto installed =
        run(TG_CMAKE_EXE, {"--install", TG_BINARY_DIR, "--prefix", prefix.path().string()});
    INFO(installed.err);
    REQUIRE(installed.exit_code == 0);
    const auto p = prefix.path();
    CHECK(fs::is_regular_file(p / "bin/grader"));
    CHECK(fs::is_regular_file(p / "bin/mock_api"));
    CHECK(fs::is_regular_file(p / "lib/takehome-grader/libtg_probe.so"));
    const auto rubric = p / "share/takehome-grader/rubrics/jobs-fanout.yaml";
    CHECK(fs::is_regular_file(rubric));
    CHECK(
        fs::is_regular_file(p / "share/takehome-grader/rubrics/jobs-fanout/scenarios/happy.yaml"));
    bool runtime_package = false;
    for (const char* libdir : {"lib", "lib64", "lib/x86_64-linux-gnu"}) {
        runtime_package = runtime_package ||
                          fs::is_regular_file(
                              p / libdir / "cmake/takehome_runtime/takehome_runtime-config.cmake");
    }
    CHECK(runtime_package);

    temp_dir outside;
    fs::copy(source_dir + "/submissions/python/asyncio-streams",
             outside.path() / "asyncio-streams",
             fs::copy_options::recursive);
    const auto json = outside.path() / "result.json";
    const auto graded = run((p / "bin/grader").string(),
                            {"grade",
                             (outside.path() / "asyncio-streams").string(),
                             "--scenario",
                             "happy",
                             "--json",
                             json.string()});
    INFO(graded.err);
    CHECK((graded.exit_code == 0 || graded.exit_code == 1));
    std::ifstream in(json);
    REQUIRE(in);
    const auto result = nlohmann::json::parse(in);
    CHECK(result["rubric"]["file"] == rubric.string());
    CHECK(result["grading_error"].is_null());
    CHECK_FALSE(result["checks"].empty());
    // It ran: the happy scenario's report matched the oracle.
    CHECK(test_support::check_of(result, "output/happy")["passed"] == true);
}
