// grader lint: the static findings alone, through the real binary; its SARIF validated by
// Microsoft's SARIF multitool with GitHub code scanning's rules (scripts/setup.sh --test
// installs it in tests/tools).

#include "grader_cli.hpp"

#include <catch2/catch.hpp>
#include <fstream>

using test_support::grader_exe;
using test_support::run;
using test_support::source_dir;
using test_support::temp_dir;

namespace {

const std::string multitool =
    source_dir + "/tests/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool";

nlohmann::json read_json(const std::filesystem::path& file) {
    std::ifstream in(file);
    return nlohmann::json::parse(in);
}

} // namespace

TEST_CASE("grader lint locates the blocking call of each language's flawed sample",
          "[grader][lint][e2e]") {
    const std::vector<std::pair<std::string, std::string>> flawed{
        {"rust/thread-sleep-in-async", "src/main.rs:64:"},
        {"cpp/sleep-in-coroutine", "main.cpp:31:"},
        {"node/readfilesync-in-async", "index.js:17:"},
        {"python/time-sleep-in-async", "report.py:24:"}};
    for (const auto& [sample, place] : flawed) {
        const auto r = run(grader_exe, {"lint", source_dir + "/submissions/" + sample});
        INFO(sample << ": " << r.out << r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.out.find(place) != std::string::npos);
        CHECK(r.out.find("error [") != std::string::npos);
    }
    for (const auto* correct :
         {"rust/reference", "cpp/reference", "node/fetch-promise-all", "python/asyncio-streams"}) {
        const auto r = run(grader_exe, {"lint", source_dir + "/submissions/" + correct});
        INFO(correct << ": " << r.out << r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("0 finding(s), 0 error(s)") != std::string::npos);
    }
}

TEST_CASE("grader lint's SARIF passes the SARIF multitool's GitHub and SARIF rules",
          "[grader][lint][e2e]") {
    INFO("the SARIF multitool is missing unless scripts/setup.sh --test ran: " << multitool);
    REQUIRE(std::filesystem::exists(multitool));
    temp_dir dir;
    for (const auto* sample :
         {"rust/thread-sleep-in-async", "rust/sequential", "node/readfilesync-in-async"}) {
        const auto sarif = dir.path() / "lint.sarif";
        const auto lint = run(grader_exe,
                              {"lint",
                               source_dir + "/submissions/" + sample,
                               "--format",
                               "sarif",
                               "-o",
                               sarif.string()});
        REQUIRE(lint.exit_code <= 1);
        const auto doc = read_json(sarif);
        CHECK(doc["version"] == "2.1.0");
        const auto& results = doc["runs"][0]["results"];
        REQUIRE(results.size() >= 1);
        CHECK(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  .get<std::string>()
                  .front() != '/');
        CHECK(results[0]["partialFingerprints"].contains("primaryLocationLineHash"));
        const auto report = dir.path() / "validation.sarif";
        const auto v = run(multitool,
                           {"validate",
                            sarif.string(),
                            "--rule-kind",
                            "Gh;Sarif",
                            "--rich-return-code",
                            "true",
                            "-o",
                            report.string(),
                            "--log",
                            "ForceOverwrite"});
        INFO(sample << ": " << v.out << v.err);
        REQUIRE(std::filesystem::exists(report));
        // Every rule the validator broke is a result of its own run: none may be there.
        const auto problems = read_json(report)["runs"][0]["results"];
        CHECK(problems.dump() == "[]");
    }
}
