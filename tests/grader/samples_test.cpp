// The bundled samples graded through the real binary must get the verdicts in their
// expected.yaml (format: submissions/README.md). These build Rust with cargo, or C++ with CMake
// against the runtime package.

#include "grader_cli.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <yaml-cpp/yaml.h>

using test_support::check_of;
using test_support::temp_dir;

namespace {

void expect_verdict(const std::string& sample) {
    const std::filesystem::path dir = test_support::source_dir + "/submissions/" + sample;
    const YAML::Node expected = YAML::LoadFile((dir / "expected.yaml").string());
    temp_dir scratch;
    const auto g = test_support::grade(dir, scratch);
    INFO(g.run.out << g.run.err);
    REQUIRE(g.result.is_object());
    const bool passed = expected["passed"].as<bool>();
    CHECK(g.result["passed"] == passed);
    CHECK(g.run.exit_code == (passed ? 0 : 1));
    // Rust and C++ name their compilers; a submission.yaml sample names its language.
    const std::string toolchain = g.result["submission"]["toolchain"];
    const std::string family = sample.substr(0, sample.find('/'));
    const std::string language = g.result["submission"]["language"];
    CHECK(toolchain.rfind(family == "rust"  ? "rustc "
                          : family == "cpp" ? "c++ "
                                            : language,
                          0) == 0);

    std::set<std::string> want_failing;
    for (const auto& id : expected["failing"]) {
        want_failing.insert(id.as<std::string>());
    }
    std::set<std::string> failing;
    std::map<std::string, bool> category_ok;
    for (const auto& c : g.result["checks"]) {
        const std::string category = c["category"];
        category_ok.try_emplace(category, true);
        if (c["passed"] == false) {
            failing.insert(c["id"].get<std::string>());
            category_ok[category] = false;
        }
    }
    CHECK(failing == want_failing);
    for (const auto& entry : expected["categories"]) {
        INFO("category " << entry.first.as<std::string>());
        CHECK(category_ok[entry.first.as<std::string>()] ==
              (entry.second.as<std::string>() == "pass"));
    }
    for (const auto& f : expected["findings"]) {
        const auto check = check_of(g.result, f["check"].as<std::string>());
        REQUIRE(check.is_object());
        bool found = false;
        for (const auto& got : check["findings"]) {
            found = found || (got["id"] == f["id"].as<std::string>() &&
                              (!f["file"] || got["file"] == f["file"].as<std::string>()) &&
                              (!f["line"] || got["line"] == f["line"].as<int>()));
        }
        INFO("finding " << f["id"].as<std::string>() << " in " << check.dump());
        CHECK(found);
    }
}

} // namespace

TEST_CASE("the reference Rust submission gets full marks", "[grader][samples][e2e][cargo]") {
    expect_verdict("rust/reference");
}

TEST_CASE("the sequential Rust submission fails concurrency and only what it cannot finish",
          "[grader][samples][e2e][cargo]") {
    expect_verdict("rust/sequential");
}

TEST_CASE("the unwrap-crash Rust submission fails crash and errors with the panic's line",
          "[grader][samples][e2e][cargo]") {
    expect_verdict("rust/unwrap-crash");
}

TEST_CASE("the reference C++ submission gets full marks", "[grader][samples][e2e][cxx]") {
    expect_verdict("cpp/reference");
}

TEST_CASE("a Node.js submission using the global fetch gets full marks", "[grader][samples][e2e]") {
    // V8 reserves far more address space than it uses: only a memory cgroup (no RLIMIT_AS)
    // lets its WebAssembly start at all.
    expect_verdict("node/fetch-promise-all");
}

// Blocking calls in async code, one language each: flagged at their line (the probe and the
// static rules), and the correct samples above never flagged.
TEST_CASE("a Rust std::thread::sleep in an async task fails blocking at its line",
          "[grader][samples][e2e][cargo]") {
    expect_verdict("rust/thread-sleep-in-async");
}

TEST_CASE("a C++ std::this_thread::sleep_for in a coroutine fails blocking at its line",
          "[grader][samples][e2e][cxx]") {
    expect_verdict("cpp/sleep-in-coroutine");
}

TEST_CASE("a Node.js readFileSync in an async function fails blocking at its line",
          "[grader][samples][e2e]") {
    expect_verdict("node/readfilesync-in-async");
}

TEST_CASE("a Python asyncio client on standard library streams gets full marks",
          "[grader][samples][e2e]") {
    expect_verdict("python/asyncio-streams");
}

TEST_CASE("a Python time.sleep in an async def fails blocking at its line",
          "[grader][samples][e2e]") {
    expect_verdict("python/time-sleep-in-async");
}
