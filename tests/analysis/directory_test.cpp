// analyse_directory: the repository's sample submissions, what is skipped and why, and
// sources that could hurt a parser.

#include "analysis_test_support.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

using namespace analysis_test;
using tg::analysis::analyse_directory;

namespace {

const std::filesystem::path samples = std::filesystem::path(TG_SOURCE_DIR) / "submissions";

} // namespace

TEST_CASE("the reference samples have no blocking or concurrency findings", "[analysis][samples]") {
    const auto dir = GENERATE(as<std::string>{}, "rust/reference", "cpp/reference");
    const auto report = analyse_directory(samples / dir);
    INFO(dir << "\n" << describe(report));
    CHECK(report.errors.empty());
    CHECK(report.files_analysed.size() == 1);
    CHECK(of_category(report, "blocking").empty());
    CHECK(of_category(report, "concurrency").empty());
}

TEST_CASE("the sequential sample gets the loop-await finding at its line", "[analysis][samples]") {
    const auto report = analyse_directory(samples / "rust/sequential");
    INFO(describe(report));
    REQUIRE(report.findings.size() == 1);
    const auto& f = report.findings[0];
    CHECK(f.rule == "rust-await-in-for-loop");
    CHECK(f.file == "src/main.rs");
    CHECK(f.line == 90);
    CHECK(f.message == "fetch_detail(..).await in the for loop at line 88 of async fn run waits "
                       "for each item before starting the next");
    CHECK(f.snippet ==
          "        results.push((job.id, fetch_detail(&client, base, job.id).await));");
}

TEST_CASE("the unwrap-crash sample gets only its unwrap", "[analysis][samples]") {
    const auto report = analyse_directory(samples / "rust/unwrap-crash");
    INFO(describe(report));
    REQUIRE(report.findings.size() == 1);
    CHECK(report.findings[0].rule == "rust-unwrap-outside-tests");
    CHECK(report.findings[0].line == 67);
    CHECK(report.findings[0].message ==
          "unwrap()/expect() called 1 time(s) outside test code (lines 67)");
}

TEST_CASE("huge, binary and symlinked files and dependency folders are skipped with a reason",
          "[analysis][files]") {
    temp_dir dir;
    dir.write("src/main.rs", "async fn f() { std::thread::sleep(D); }\n");
    dir.write("src/huge.rs", std::string((1 << 20) + 10, '/'));
    dir.write("src/blob.py", std::string("import time\0\x01\x02", 14));
    dir.write("target/debug/build/gen.rs", "async fn g() { std::thread::sleep(D); }\n");
    dir.write("node_modules/x/index.js", "async function a() { fs.readFileSync('x'); }\n");
    dir.write("notes.txt", "not source\n");
    std::filesystem::create_symlink(dir.path() / "src/main.rs", dir.path() / "src/link.rs");
    const auto report = analyse_directory(dir.path());
    INFO(describe(report));
    CHECK(report.files_analysed == std::vector<std::string>{"src/main.rs"});
    REQUIRE(report.findings.size() == 1);
    CHECK(report.findings[0].file == "src/main.rs");
    REQUIRE(report.skipped.size() == 3);
    std::map<std::string, std::string> reasons;
    for (const auto& s : report.skipped) {
        reasons[s.file] = s.reason;
    }
    CHECK(reasons["src/huge.rs"] == "larger than 1024 KiB (1048586 bytes)");
    CHECK(reasons["src/blob.py"] == "binary file (contains NUL bytes)");
    CHECK(reasons["src/link.rs"] == "symlink");
}

TEST_CASE("files past the file limit are skipped in path order", "[analysis][files]") {
    temp_dir dir;
    for (const char* name : {"c.py", "a.py", "b.py"}) {
        dir.write(name, "x = 1\n");
    }
    tg::analysis::analysis_options options;
    options.max_files = 2;
    const auto report = analyse_directory(dir.path(), options);
    CHECK(report.files_analysed == std::vector<std::string>{"a.py", "b.py"});
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].file == "c.py");
    CHECK(report.skipped[0].reason == "over the limit of 2 files");
}

TEST_CASE("a missing directory is an error, not an exception", "[analysis][files]") {
    const auto report = analyse_directory("/nonexistent/tg-analysis");
    REQUIRE(report.errors.size() == 1);
    CHECK(report.errors[0] == "/nonexistent/tg-analysis: not a directory");
}

TEST_CASE("an async fn declared in one file is known in the others", "[analysis][files]") {
    temp_dir dir;
    dir.write("src/api.rs", "pub async fn notify(id: u64) {}\n");
    dir.write("src/main.rs", "mod api;\nuse api::notify;\nfn main() {\n    notify(1);\n}\n");
    const auto report = analyse_directory(dir.path());
    INFO(describe(report));
    const auto found = of_rule(report, "rust-future-not-awaited");
    REQUIRE(found.size() == 1);
    CHECK(found[0].file == "src/main.rs");
    CHECK(found[0].line == 4);
}

TEST_CASE("deeply nested sources do not crash the analysis", "[analysis][files]") {
    constexpr int depth = 20000;
    std::string rust = "async fn deep() {\n    let x = ";
    rust += std::string(depth, '(') + "std::thread::sleep(D)" + std::string(depth, ')') + ";\n}\n";
    std::string python = "async def deep():\n    x = " + std::string(depth, '[') + "time.sleep(1)" +
                         std::string(depth, ']') + "\n";
    std::string cpp = "rt::task<void> deep() {\n";
    for (int i = 0; i < 2000; ++i) {
        cpp += "{";
    }
    cpp += "std::this_thread::sleep_for(1s); co_return;";
    for (int i = 0; i < 2000; ++i) {
        cpp += "}";
    }
    cpp += "\n}\n";
    const auto r = analyse(language::rust, rust, "deep.rs");
    const auto p = analyse(language::python, "import time\n" + python, "deep.py");
    const auto c = analyse(language::cpp, cpp, "deep.cpp");
    CHECK(of_rule(r, "rust-thread-sleep-in-async").size() == 1);
    CHECK(of_rule(p, "py-time-sleep-in-async").size() == 1);
    CHECK(of_rule(c, "cpp-thread-sleep-in-coroutine").size() == 1);
}

TEST_CASE("a file with syntax errors is still analysed, with a located note", "[analysis][files]") {
    const auto report = analyse(language::rust,
                                "async fn f() {\n    std::thread::sleep(D);\n    let = ;\n}\n",
                                "src/main.rs");
    CHECK(of_rule(report, "rust-thread-sleep-in-async").size() == 1);
    REQUIRE(report.errors.size() == 1);
    CHECK(report.errors[0].starts_with("src/main.rs:3:"));
    CHECK(report.errors[0].ends_with(": syntax error; findings in this file may be incomplete"));
}
