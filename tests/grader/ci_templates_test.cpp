// The CI templates (ci-templates/): their YAML parsed by yaml-cpp and checked for the shape
// each CI system needs (a shard matrix and a merge job after it; GitLab's parallel:), and the
// scripted steps they call (ci-templates/grade.sh shard / merge) run here on tiny submissions.

#include "grader_cli.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

using test_support::grader_exe;
using test_support::run;
using test_support::source_dir;
using test_support::temp_dir;
namespace fs = std::filesystem;

namespace {

const std::string script = source_dir + "/ci-templates/grade.sh";

// Every `run:` / `script:` line of a job, joined.
std::string commands_of(const YAML::Node& steps) {
    std::string all;
    for (const auto& step : steps) {
        if (step.IsScalar()) {
            all += step.as<std::string>() + "\n";
        } else if (step["run"]) {
            all += step["run"].as<std::string>() + "\n";
        }
    }
    return all;
}

} // namespace

TEST_CASE("the GitHub Actions template shards grading over a matrix and merges after it",
          "[grader][ci]") {
    const auto doc = YAML::LoadFile(source_dir + "/ci-templates/github-actions.yml");
    const auto grade = doc["jobs"]["grade"];
    REQUIRE(grade.IsMap());
    CHECK(grade["container"]["image"].as<std::string>() == "debian:bookworm");
    CHECK(grade["container"]["options"].as<std::string>().find("--privileged") !=
          std::string::npos);
    const auto shards = grade["strategy"]["matrix"]["shard"];
    REQUIRE(shards.IsSequence());
    std::set<int> seen;
    for (const auto& s : shards) {
        seen.insert(s.as<int>());
    }
    CHECK(seen == std::set<int>{1, 2, 3, 4});
    const auto grading = commands_of(grade["steps"]);
    CHECK(grading.find("ci-templates/grade.sh shard ${{ matrix.shard }} 4 ") != std::string::npos);
    CHECK(grade["env"]["GRADE_ARGS"].as<std::string>() == "--require-isolation");

    const auto merge = doc["jobs"]["merge"];
    REQUIRE(merge.IsMap());
    CHECK(merge["needs"].as<std::string>() == "grade");
    CHECK(commands_of(merge["steps"]).find("ci-templates/grade.sh merge out/all shards/shard-*") !=
          std::string::npos);
}

TEST_CASE("the GitLab CI template runs parallel shards and a merge job", "[grader][ci]") {
    const auto doc = YAML::LoadFile(source_dir + "/ci-templates/gitlab-ci.yml");
    CHECK(doc["default"]["image"].as<std::string>() == "debian:bookworm");
    const auto grade = doc["grade"];
    REQUIRE(grade.IsMap());
    CHECK(grade["parallel"].as<int>() == 4);
    CHECK(commands_of(grade["script"])
              .find("ci-templates/grade.sh shard \"$CI_NODE_INDEX\" \"$CI_NODE_TOTAL\"") !=
          std::string::npos);
    const auto merge = doc["merge"];
    REQUIRE(merge.IsMap());
    CHECK(merge["needs"][0].as<std::string>() == "grade");
    CHECK(commands_of(merge["script"]).find("ci-templates/grade.sh merge out/all out/shard-*") !=
          std::string::npos);
}

TEST_CASE("the templates' scripted steps grade two shards and merge them", "[grader][ci][e2e]") {
    temp_dir root;
    for (const char* name : {"first", "second"}) {
        root.write(std::string("subs/") + name + "/submission.yaml",
                   "language: shell\nrun: \"true\"\n");
    }
    const auto subs = (root.path() / "subs").string();
    // Through env: the grader under test, one job, the happy scenario only (the cheap run).
    const std::string env = "GRADER=" + grader_exe + " JOBS=1 GRADE_ARGS='--scenario happy' ";
    for (const char* k : {"1", "2"}) {
        const auto shard = run("/bin/sh",
                               {"-c",
                                env + script + " shard " + k + " 2 " +
                                    (root.path() / "shard-").string() + k + " " + subs});
        INFO(shard.err);
        CHECK(shard.exit_code == 0);
    }
    CHECK(fs::exists(root.path() / "shard-1/first/result.json"));
    CHECK(fs::exists(root.path() / "shard-2/second/result.json"));
    const auto merged = (root.path() / "all").string();
    const auto merge =
        run("/bin/sh",
            {"-c",
             env + script + " merge " + merged + " " + (root.path() / "shard-1").string() + " " +
                 (root.path() / "shard-2").string()});
    INFO(merge.err);
    CHECK(merge.exit_code == 0);
    CHECK(merge.out.find("leaderboard: " + merged + "/leaderboard.html") != std::string::npos);
    CHECK(fs::exists(root.path() / "all/first/report.html"));
    CHECK(fs::exists(root.path() / "all/second/report.html"));
    // FAIL_UNDER reaches merge: a trivial submission scores below 1000 points.
    const auto failing = run("/bin/sh",
                             {"-c",
                              "FAIL_UNDER=1000 " + env + script + " merge " + merged + " " +
                                  (root.path() / "shard-1").string()});
    CHECK(failing.exit_code == 1);
}
