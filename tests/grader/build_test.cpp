// Rust builds through the real binary: clear dependency findings, and a dependency cache that
// never hands back another submission's binary.

#include "grader_cli.hpp"

#include <catch2/catch.hpp>

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
