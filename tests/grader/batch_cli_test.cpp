// `grader batch` and `grader merge` end to end through the real binary, on tiny submission.yaml
// submissions made in the test (each grades in about a second on the happy scenario) and one
// real sample: complete output directories, summaries, --fail-under, sharding, --resume after
// a half-written directory and after SIGKILL, merging shards and refusing conflicts.

#include "files.hpp"
#include "grader_cli.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <set>
#include <sstream>
#include <thread>

using test_support::grader_exe;
using test_support::run;
using test_support::source_dir;
using test_support::temp_dir;
namespace fs = std::filesystem;

namespace {

// A submission that prints nothing and exits 0: it builds, and fails most checks.
void make_trivial(const temp_dir& root, const std::string& rel) {
    root.write(rel + "/submission.yaml", "language: shell\nrun: \"true\"\n");
}

test_support::run_result batch(std::vector<std::string> args) {
    args.insert(args.begin(), "batch");
    args.insert(args.end(), {"--scenario", "happy"});
    return run(grader_exe, args);
}

const std::vector<std::string> per_submission_files = {
    "result.json", "report.html", "junit.xml", "results.json", "report.sarif", "summary.md"};

// Every directory of OUTDIR is complete: the six files, nothing half-written beside them.
std::set<std::string> complete_ids(const fs::path& out) {
    std::set<std::string> ids;
    for (const auto& e : fs::directory_iterator(out)) {
        if (!e.is_directory()) {
            continue;
        }
        const auto id = e.path().filename().string();
        INFO(id);
        CHECK(id[0] != '.');
        for (const auto& f : per_submission_files) {
            CHECK(fs::is_regular_file(e.path() / f));
        }
        for (const auto& f : fs::directory_iterator(e.path())) {
            const auto name = f.path().filename().string();
            CHECK((std::find(per_submission_files.begin(), per_submission_files.end(), name) !=
                       per_submission_files.end() ||
                   name == "grade.log"));
        }
        ids.insert(id);
    }
    return ids;
}

// The ids in summary.csv's first column, each once.
std::multiset<std::string> csv_ids(const fs::path& out) {
    std::multiset<std::string> ids;
    std::istringstream csv(test_support::read_file(out / "summary.csv"));
    std::string line;
    std::getline(csv, line); // header
    while (std::getline(csv, line)) {
        ids.insert(line.substr(0, line.find(',')));
    }
    return ids;
}

double score_of(const fs::path& out, const std::string& id) {
    return nlohmann::json::parse(test_support::read_file(out / id / "result.json"))["score"]
        .get<double>();
}

} // namespace

TEST_CASE("batch grades every submission of a directory into its own complete directory",
          "[grader][batch][e2e]") {
    temp_dir root;
    fs::create_directories(root.path() / "subs/python");
    fs::copy(source_dir + "/submissions/python/asyncio-streams",
             root.path() / "subs/python/asyncio-streams",
             fs::copy_options::recursive);
    make_trivial(root, "subs/shell/does-nothing");
    const auto out = root.path() / "out";
    const auto first = batch({(root.path() / "subs").string(), "--out", out.string(), "-j", "2"});
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    CHECK(complete_ids(out) ==
          std::set<std::string>{"python.asyncio-streams", "shell.does-nothing"});
    CHECK(csv_ids(out) ==
          std::multiset<std::string>{"python.asyncio-streams", "shell.does-nothing"});
    const auto board = test_support::read_file(out / "leaderboard.html");
    CHECK(board.find("href=\"python.asyncio-streams/report.html\"") != std::string::npos);
    CHECK(board.find("href=\"shell.does-nothing/report.html\"") != std::string::npos);
    // Not a TTY: a plain line per submission.
    CHECK(first.err.find("] shell.does-nothing: ") != std::string::npos);

    const double good = score_of(out, "python.asyncio-streams");
    const double bad = score_of(out, "shell.does-nothing");
    REQUIRE(bad < good);
    const auto before = test_support::read_file(out / "shell.does-nothing/result.json");
    // --fail-under between the two: exit 1, naming the low one; --resume regrades nothing.
    const auto under = batch({(root.path() / "subs").string(),
                              "--out",
                              out.string(),
                              "--resume",
                              "--fail-under",
                              std::to_string(good)});
    CHECK(under.exit_code == 1);
    CHECK(under.err.find("below --fail-under") != std::string::npos);
    CHECK(under.err.find("shell.does-nothing") != std::string::npos);
    CHECK(under.err.find("0 to grade, 2 already complete") != std::string::npos);
    CHECK(test_support::read_file(out / "shell.does-nothing/result.json") == before);
    const auto over = batch({(root.path() / "subs").string(),
                             "--out",
                             out.string(),
                             "--resume",
                             "--fail-under",
                             std::to_string(bad)});
    CHECK(over.exit_code == 0);
}

TEST_CASE("batch refuses bad arguments with exit 2", "[grader][batch][e2e]") {
    temp_dir root;
    make_trivial(root, "subs/a");
    const auto out = (root.path() / "out").string();
    CHECK(batch({(root.path() / "subs").string(), "--out", out, "--shard", "3/2"}).exit_code == 2);
    CHECK(batch({(root.path() / "subs").string(), "--out", out, "--shard", "0/2"}).exit_code == 2);
    CHECK(batch({(root.path() / "subs").string(), "--out", out, "-j", "0"}).exit_code == 2);
    root.write("empty/readme.txt", "no submission here");
    const auto empty = batch({(root.path() / "empty").string(), "--out", out});
    CHECK(empty.exit_code == 2);
    CHECK(empty.err.find("no submission in it") != std::string::npos);
    make_trivial(root, "other/a");
    const auto twice =
        batch({(root.path() / "subs").string(), (root.path() / "other").string(), "--out", out});
    CHECK(twice.exit_code == 2);
    CHECK(twice.err.find("two submissions have the id 'a'") != std::string::npos);
}

TEST_CASE("shards split the submissions deterministically and merge back into one batch",
          "[grader][batch][merge][e2e]") {
    temp_dir root;
    for (const char* name : {"a", "b", "c"}) {
        make_trivial(root, std::string("subs/") + name);
    }
    const auto subs = (root.path() / "subs").string();
    const auto one = root.path() / "shard1";
    const auto two = root.path() / "shard2";
    REQUIRE(batch({subs, "--out", one.string(), "--shard", "1/2"}).exit_code == 0);
    REQUIRE(batch({subs, "--out", two.string(), "--shard", "2/2"}).exit_code == 0);
    // Round robin over the sorted ids.
    CHECK(complete_ids(one) == std::set<std::string>{"a", "c"});
    CHECK(complete_ids(two) == std::set<std::string>{"b"});

    const auto merged = root.path() / "merged";
    const auto m = run(grader_exe, {"merge", one.string(), two.string(), "--out", merged.string()});
    INFO(m.err);
    CHECK(m.exit_code == 0);
    CHECK(complete_ids(merged) == std::set<std::string>{"a", "b", "c"});
    CHECK(csv_ids(merged) == std::multiset<std::string>{"a", "b", "c"});
    CHECK(test_support::read_file(merged / "b/result.json") ==
          test_support::read_file(two / "b/result.json"));

    // The same shard given twice is a duplicate, said and kept once.
    const auto again = run(grader_exe,
                           {"merge",
                            one.string(),
                            one.string(),
                            two.string(),
                            "--out",
                            (root.path() / "again").string()});
    CHECK(again.exit_code == 0);
    CHECK(csv_ids(root.path() / "again") == std::multiset<std::string>{"a", "b", "c"});

    // A different result under the same id is a conflict: listed, nothing written.
    fs::create_directories(root.path() / "other");
    fs::copy(one / "a", root.path() / "other/a", fs::copy_options::recursive);
    auto changed =
        nlohmann::json::parse(test_support::read_file(root.path() / "other/a/result.json"));
    changed["score"] = 99;
    std::ofstream(root.path() / "other/a/result.json") << changed.dump();
    const auto clash = root.path() / "clash";
    const auto conflict =
        run(grader_exe,
            {"merge", one.string(), (root.path() / "other").string(), "--out", clash.string()});
    CHECK(conflict.exit_code == 2);
    CHECK(conflict.err.find("merge: conflict: a: ") != std::string::npos);
    CHECK_FALSE(fs::exists(clash / "a"));
    CHECK_FALSE(fs::exists(clash / "leaderboard.html"));
}

TEST_CASE("resume redoes a half-written directory and keeps the complete ones",
          "[grader][batch][e2e]") {
    temp_dir root;
    make_trivial(root, "subs/done");
    make_trivial(root, "subs/half");
    const auto subs = (root.path() / "subs").string();
    const auto out = root.path() / "out";
    REQUIRE(batch({subs, "--out", out.string()}).exit_code == 0);
    // `done` keeps a result the grader could not have produced: proof it is not regraded.
    auto kept = nlohmann::json::parse(test_support::read_file(out / "done/result.json"));
    kept["submission"]["name"] = "kept-from-before";
    std::ofstream(out / "done/result.json") << kept.dump();
    // `half` as a kill -9 leaves it: no result.json, a partial JSON and a stray temp file.
    fs::remove(out / "half/result.json");
    std::ofstream(out / "half/.grade.json") << "{\"schema_ver";
    std::ofstream(out / "half/report.html.tmp123") << "<!DOCTYPE";

    const auto resumed = batch({subs, "--out", out.string(), "--resume"});
    INFO(resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(resumed.err.find("1 to grade, 1 already complete") != std::string::npos);
    CHECK(complete_ids(out) == std::set<std::string>{"done", "half"});
    CHECK(nlohmann::json::parse(test_support::read_file(
              out / "done/result.json"))["submission"]["name"] == "kept-from-before");
    CHECK(nlohmann::json::parse(
              test_support::read_file(out / "half/result.json"))["submission"]["name"] == "half");
    CHECK(csv_ids(out) == std::multiset<std::string>{"done", "half"});
}

TEST_CASE("a batch killed with SIGKILL resumes with nothing lost or duplicated",
          "[grader][batch][e2e]") {
    temp_dir root;
    for (const char* name : {"a", "b", "c", "d"}) {
        make_trivial(root, std::string("subs/") + name);
    }
    const auto subs = (root.path() / "subs").string();
    const auto out = root.path() / "out";
    {
        test_support::background_process running(
            grader_exe, {"batch", subs, "--out", out.string(), "-j", "1", "--scenario", "happy"});
        // Wait (bounded) for the first complete directory, then kill the batch mid-way.
        for (int i = 0; i < 600 && !fs::exists(out / "a/result.json"); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        REQUIRE(fs::exists(out / "a/result.json"));
        running.signal(SIGKILL);
        running.wait();
    }
    REQUIRE_FALSE(fs::exists(out / "leaderboard.html")); // it died before the summaries
    const auto a_before = test_support::read_file(out / "a/result.json");
    const auto resumed = batch({subs, "--out", out.string(), "--resume", "-j", "2"});
    INFO(resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(complete_ids(out) == std::set<std::string>{"a", "b", "c", "d"});
    CHECK(csv_ids(out) == std::multiset<std::string>{"a", "b", "c", "d"});
    CHECK(test_support::read_file(out / "a/result.json") == a_before);
}

TEST_CASE("a batch stopped with SIGTERM exits 130, keeps what completed, and resumes",
          "[grader][batch][e2e]") {
    temp_dir root;
    for (const char* name : {"a", "b", "c", "d"}) {
        make_trivial(root, std::string("subs/") + name);
    }
    const auto subs = (root.path() / "subs").string();
    const auto out = root.path() / "out";
    test_support::run_result stopped;
    {
        test_support::background_process running(
            grader_exe, {"batch", subs, "--out", out.string(), "-j", "1", "--scenario", "happy"});
        for (int i = 0; i < 600 && !fs::exists(out / "a/result.json"); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        REQUIRE(fs::exists(out / "a/result.json"));
        running.signal(SIGTERM);
        stopped = running.wait();
    }
    CHECK(stopped.exit_code == 130);
    CHECK(stopped.err.find("interrupted; run it again with --resume") != std::string::npos);
    // The summaries cover what completed; the grading under way left no result.
    const auto before = csv_ids(out);
    CHECK(before.count("a") == 1);
    CHECK(before.size() < 4);
    const auto resumed = batch({subs, "--out", out.string(), "--resume"});
    INFO(resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(complete_ids(out) == std::set<std::string>{"a", "b", "c", "d"});
    CHECK(csv_ids(out) == std::multiset<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("batch --format chooses the per-submission files and always writes result.json",
          "[grader][batch][e2e]") {
    temp_dir root;
    make_trivial(root, "subs/only");
    const auto out = root.path() / "out";
    const auto b = batch({(root.path() / "subs").string(),
                          "--out",
                          out.string(),
                          "--format",
                          "junit",
                          "--format",
                          "csv"});
    INFO(b.err);
    REQUIRE(b.exit_code == 0);
    CHECK(fs::is_regular_file(out / "only/result.json"));
    CHECK(fs::is_regular_file(out / "only/junit.xml"));
    CHECK_FALSE(fs::exists(out / "only/report.html"));
    CHECK_FALSE(fs::exists(out / "only/summary.md"));
    const auto row = test_support::read_file(out / "only/row.csv");
    CHECK(row.rfind("id,name,language,score,total,passed,error,", 0) == 0);
    CHECK(row.find("\r\nonly,only,") != std::string::npos);
    CHECK(batch({(root.path() / "subs").string(), "--out", out.string(), "--format", "pdf"})
              .exit_code == 2);
}
