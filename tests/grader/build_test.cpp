// Builds through the real binary. Rust: clear dependency findings, and a dependency cache that
// never hands back another submission's binary. C++: located compiler and CMake errors, the
// runtime package (build tree and installed), and the runtime's trace reaching the result.

#include "grader_cli.hpp"

#include <catch2/catch.hpp>
#include <fstream>

using test_support::check_of;
using test_support::temp_dir;

namespace {

const char* rubric_text = R"(schema: 1
name: build-test
version: "1"
scenarios:
  - {name: one, deadline_s: 5, inline: {name: one, jobs: {count: 1}}}
checks:
  - {id: build, category: build}
  - {id: crash, category: crash, scenarios: all}
)";

void write_crate(const temp_dir& dir,
                 const std::string& sub,
                 const std::string& deps,
                 const std::string& main_rs) {
    dir.write(sub + "/Cargo.toml",
              "[package]\nname = \"same-name\"\nversion = \"0.1.0\"\nedition = "
              "\"2021\"\n\n[dependencies]\n" +
                  deps);
    dir.write(sub + "/src/main.rs", main_rs);
}

} // namespace

TEST_CASE("a dependency version the registry lacks is a build finding naming what is there",
          "[grader][build][e2e][cargo]") {
    temp_dir dir;
    const auto rubric = dir.write("rubric.yaml", rubric_text);
    write_crate(dir, "new-reqwest", "reqwest = \"0.12\"\n", "fn main() {}\n");
    const auto g =
        test_support::grade(dir.path() / "new-reqwest", dir, {"--rubric", rubric.string()});
    REQUIRE(g.result.is_object());
    CHECK(g.run.exit_code == 1);
    const auto build = check_of(g.result, "build");
    CHECK(build["passed"] == false);
    bool named = false;
    for (const auto& f : build["findings"]) {
        named =
            named ||
            (f["id"] == "dependency-unavailable" &&
             f["message"].get<std::string>().rfind(
                 "dependency reqwest = \"^0.12\" is not available offline; available: reqwest 0.11",
                 0) == 0);
    }
    CHECK(named);
    CHECK(check_of(g.result, "crash/one")["summary"] == "not run: the build failed");
}

TEST_CASE("a compile error is a build finding at its file and line",
          "[grader][build][e2e][cargo]") {
    temp_dir dir;
    const auto rubric = dir.write("rubric.yaml", rubric_text);
    write_crate(dir, "broken", "", "fn main() {\n    let x: u32 = \"text\";\n}\n");
    const auto g = test_support::grade(dir.path() / "broken", dir, {"--rubric", rubric.string()});
    REQUIRE(g.result.is_object());
    const auto build = check_of(g.result, "build");
    CHECK(build["passed"] == false);
    REQUIRE(build["findings"].size() >= 1);
    CHECK(build["findings"][0]["id"] == "build-error");
    CHECK(build["findings"][0]["file"] == "src/main.rs");
    CHECK(build["findings"][0]["line"] == 2);
    CHECK(build["findings"][0]["message"] == "mismatched types");
}

TEST_CASE("two submissions with the same package name each run their own binary",
          "[grader][build][e2e][cargo]") {
    temp_dir dir;
    const auto rubric = dir.write("rubric.yaml", rubric_text);
    write_crate(dir, "first", "serde_json = \"1\"\n", "fn main() { println!(\"first\"); }\n");
    write_crate(dir, "second", "serde_json = \"1\"\n", "fn main() { println!(\"second\"); }\n");
    for (const std::string which : {"first", "second", "first"}) {
        const auto g = test_support::grade(dir.path() / which, dir, {"--rubric", rubric.string()});
        REQUIRE(g.result.is_object());
        INFO(g.run.out);
        CHECK(g.result["scenarios"][0]["outcome"]["stdout"] == which + "\n");
    }
}

// --- C++ (CMake against the runtime package) -------------------------------------------------

namespace {

void write_cmake_project(const temp_dir& dir,
                         const std::string& sub,
                         const std::string& cmake_extra,
                         const std::string& main_cpp) {
    dir.write(
        sub + "/CMakeLists.txt",
        "cmake_minimum_required(VERSION 3.25)\nproject(app LANGUAGES CXX)\n" + cmake_extra +
            "add_executable(app src/main.cpp)\n"
            "target_compile_features(app PRIVATE cxx_std_20)\n" +
            (cmake_extra.empty() ? "" : "target_link_libraries(app PRIVATE takehome::runtime)\n"));
    dir.write(sub + "/src/main.cpp", main_cpp);
}

const char* find_runtime = "find_package(takehome_runtime REQUIRED)\n";

// A spawned task that blocks its worker for 80 ms (line 8: the spawn site) and one that waits
// 80 ms the right way; the runtime's watchdog must report the first only.
const char* blocking_main = R"(#include "runtime/all.hpp"
#include <chrono>
#include <cstdio>
#include <thread>
using namespace std::chrono_literals;
rt::task<void> go() {
    auto good = rt::spawn([]() -> rt::task<void> { co_await rt::sleep_for(80ms); }(), "sleeper");
    auto bad = rt::spawn([]() -> rt::task<void> { std::this_thread::sleep_for(80ms); co_return; }(), "blocker");
    co_await good;
    co_await bad;
}
int main() {
    rt::multi_thread_runtime runtime(2);
    runtime.block_on(go());
    std::puts("{}");
}
)";

} // namespace

TEST_CASE("a C++ compile error is a build finding at its file and line",
          "[grader][build][e2e][cxx]") {
    temp_dir dir;
    const auto rubric = dir.write("rubric.yaml", rubric_text);
    write_cmake_project(dir, "broken", "", "int main() {\n    int x = 1;\n    return x +;\n}\n");
    const auto g = test_support::grade(dir.path() / "broken", dir, {"--rubric", rubric.string()});
    REQUIRE(g.result.is_object());
    const auto build = check_of(g.result, "build");
    CHECK(build["passed"] == false);
    REQUIRE(build["findings"].size() >= 2); // the located error, then the whole log
    CHECK(build["findings"][0]["id"] == "compile-error");
    CHECK(build["findings"][0]["file"] == "src/main.cpp");
    CHECK(build["findings"][0]["line"] == 3);
    CHECK(build["summary"].get<std::string>().rfind("build failed: src/main.cpp:3: ", 0) == 0);
    CHECK(check_of(g.result, "crash/one")["summary"] == "not run: the build failed");
}

TEST_CASE("a CMake error is a build finding in CMakeLists.txt", "[grader][build][e2e][cxx]") {
    temp_dir dir;
    const auto rubric = dir.write("rubric.yaml", rubric_text);
    write_cmake_project(
        dir, "nopkg", "find_package(no_such_package_xyz REQUIRED)\n", "int main() {}\n");
    const auto g = test_support::grade(dir.path() / "nopkg", dir, {"--rubric", rubric.string()});
    REQUIRE(g.result.is_object());
    const auto build = check_of(g.result, "build");
    CHECK(build["passed"] == false);
    REQUIRE(build["findings"].size() >= 1);
    CHECK(build["findings"][0]["id"] == "cmake-error");
    CHECK(build["findings"][0]["file"] == "CMakeLists.txt");
    CHECK(build["findings"][0]["line"] == 3);
    CHECK(build["findings"][0]["message"].get<std::string>().find("no_such_package_xyz") !=
          std::string::npos);
}

TEST_CASE("a C++ submission's blocking resume reaches the result as a long poll",
          "[grader][build][e2e][cxx]") {
    temp_dir dir;
    const auto rubric = dir.write("rubric.yaml", rubric_text);
    write_cmake_project(dir, "blocking", find_runtime, blocking_main);
    const auto g = test_support::grade(dir.path() / "blocking", dir, {"--rubric", rubric.string()});
    INFO(g.run.out << g.run.err);
    REQUIRE(g.result.is_object());
    CHECK(check_of(g.result, "build")["passed"] == true);
    const auto& scenario = g.result["scenarios"][0];
    REQUIRE(scenario["ran"] == true);
    CHECK(scenario["outcome"]["exit_code"] == 0);
    const auto& trace = scenario["runtime_trace"];
    REQUIRE(trace.is_object());
    CHECK(trace["present"] == true);
    CHECK(trace["tasks_ended"].get<int>() >= 3); // go, sleeper, blocker
    REQUIRE(trace["long_polls_total"] == 1);
    const auto& poll = trace["long_polls"][0];
    CHECK(poll["task"] == "blocker");
    CHECK(poll["spawned_at"] == "src/main.cpp:8");
    CHECK(poll["thread"].get<std::string>().rfind("rt-worker-", 0) == 0);
    CHECK(poll["duration_ms"].get<double>() >= 75);
    REQUIRE(scenario["evidence_files"].size() == 1);
    CHECK(scenario["evidence_files"][0]["name"] == "rt-trace.jsonl");
}

TEST_CASE("a C++ submission builds against the installed runtime package",
          "[grader][build][e2e][cxx]") {
    temp_dir dir;
    const auto prefix = dir.path() / "prefix";
    const auto installed =
        test_support::run(TG_CMAKE_EXE, {"--install", TG_BINARY_DIR, "--prefix", prefix.string()});
    INFO(installed.out << installed.err);
    REQUIRE(installed.exit_code == 0);
    const auto package = prefix / "lib/cmake/takehome_runtime";
    REQUIRE(std::filesystem::exists(package / "takehome_runtime-config.cmake"));
    CHECK(std::filesystem::exists(prefix / "include/runtime/task.hpp"));

    const auto rubric = dir.write("rubric.yaml", rubric_text);
    write_cmake_project(dir, "uses-install", find_runtime, blocking_main);
    const auto json_file = dir.path() / "result.json";
    const auto g = test_support::run("/usr/bin/env",
                                     {"TG_RUNTIME_DIR=" + package.string(),
                                      test_support::grader_exe,
                                      "grade",
                                      (dir.path() / "uses-install").string(),
                                      "--rubric",
                                      rubric.string(),
                                      "--json",
                                      json_file.string()});
    INFO(g.out << g.err);
    std::ifstream in(json_file);
    REQUIRE(in);
    const auto result = nlohmann::json::parse(in);
    CHECK(check_of(result, "build")["passed"] == true);
    CHECK(result["submission"]["toolchain"].get<std::string>().find(
              "takehome_runtime from " + std::filesystem::canonical(package).string()) !=
          std::string::npos);
    CHECK(result["scenarios"][0]["outcome"]["exit_code"] == 0);
}
