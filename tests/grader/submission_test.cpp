#include "grader/build/build.hpp"
#include "grader/diagnostics/cxx.hpp"
#include "grader/export_public.hpp"
#include "grader/rubric.hpp"
#include "grader/submission.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

using test_support::temp_dir;

TEST_CASE("submissions are detected by Cargo.toml, CMakeLists.txt or a manifest",
          "[grader][submission]") {
    temp_dir dir;
    dir.write("rust/Cargo.toml", "[package]\n");
    dir.write("cpp/CMakeLists.txt", "project(x)\n");
    dir.write("py/submission.yaml", "language: python\nrun: python3 main.py\n");
    dir.write("py/Cargo.toml", "[package]\n"); // the manifest wins
    dir.write("none/README", "hello\n");
    CHECK(grader::detect_submission(dir.path() / "rust").value().language == "rust");
    CHECK(grader::detect_submission(dir.path() / "cpp").value().language == "cpp");
    const auto py = grader::detect_submission(dir.path() / "py");
    REQUIRE(py);
    CHECK(py.value().language == "python");
    CHECK(py.value().from_manifest);
    CHECK(py.value().run_command == "python3 main.py");
    const auto none = grader::detect_submission(dir.path() / "none");
    REQUIRE_FALSE(none);
    CHECK(none.err().message ==
          (dir.path() / "none").string() +
              ": no Cargo.toml, CMakeLists.txt or submission.yaml: cannot tell how to build it");
}

TEST_CASE("a manifest error is located", "[grader][submission]") {
    temp_dir dir;
    const auto file = dir.write("s/submission.yaml", "language: sh\nrnu: ./go.sh\n");
    const auto r = grader::detect_submission(dir.path() / "s");
    REQUIRE_FALSE(r);
    CHECK(r.err().message ==
          file.string() + ":2:1: unknown key 'rnu' in 'submission' (did you mean 'run'?)");
}

TEST_CASE("available crate versions are read from the registry directory", "[grader][build]") {
    temp_dir dir;
    std::filesystem::create_directories(dir.path() / "reqwest-0.11.13");
    std::filesystem::create_directories(dir.path() / "reqwest-middleware-0.1.0"); // another crate
    std::filesystem::create_directories(dir.path() / "tokio-1.24.2");
    CHECK(grader::available_crate_versions("reqwest", dir.path()) ==
          std::vector<std::string>{"0.11.13"});
    CHECK(grader::available_crate_versions("serde", dir.path()).empty());
}

TEST_CASE("export-public leaves hidden scenarios and their checks out", "[grader][export]") {
    temp_dir dir;
    dir.write("s1.yaml", "name: s1\njobs: {count: 2}\n");
    dir.write("secret.yaml", "name: secret\njobs: {count: 2}\n");
    dir.write("PROMPT.md", "# prompt\n");
    const auto rubric = dir.write("r.yaml", R"(schema: 1
name: r
version: "1"
prompt: PROMPT.md
scenarios:
  - {name: s1, file: s1.yaml}
  - {name: secret, file: secret.yaml, visibility: hidden}
checks:
  - {id: out, category: output, scenarios: [s1, secret]}
  - {id: hidden-only, category: crash, scenarios: [secret]}
  - {id: all, category: crash, scenarios: all}
)");
    const auto out = dir.path() / "public";
    const auto hidden = grader::export_public(rubric, out);
    REQUIRE(hidden);
    CHECK(hidden.value() == 1);
    CHECK(std::filesystem::exists(out / "PROMPT.md"));
    CHECK(std::filesystem::exists(out / "scenarios/s1.yaml"));
    CHECK_FALSE(std::filesystem::exists(out / "scenarios/secret.yaml"));
    const auto copy = grader::load_rubric(out / "r.yaml");
    REQUIRE(copy);
    REQUIRE(copy.value().scenarios.size() == 1);
    REQUIRE(copy.value().checks.size() == 2);
    CHECK(copy.value().checks[0].scenarios == std::vector<std::string>{"s1"});
    CHECK(copy.value().checks[1].scenarios == std::vector<std::string>{"s1"});
}

TEST_CASE("C++ build logs become located findings with errors first", "[grader][build]") {
    temp_dir dir;
    const auto src = dir.path() / "src";
    dir.write("src/src/main.cpp", "int main() {}\n");
    const std::string log =
        "[1/2] Building CXX object CMakeFiles/app.dir/src/main.cpp.o\n"
        "In file included from " +
        src.string() + "/src/main.cpp:1:\n" + src.string() +
        "/src/main.cpp:7:3: warning: unused variable 'x' [-Wunused-variable]\n" + src.string() +
        "/src/main.cpp:12:5: error: 'foo' was not declared in this scope\n" + src.string() +
        "/src/main.cpp:12:5: error: 'foo' was not declared in this scope\n" +
        "/usr/include/c++/12/bits/stl_vector.h:100:3: error: in a system header\n"
        "src/other.cpp:3:1: fatal error: missing.hpp: No such file or directory\n"
        "CMake Error at CMakeLists.txt:4 (find_package):\n"
        "  Could not find a package configuration file provided by \"nope\"\n"
        "  with any of the following names:\n"
        "\n"
        "ninja: build stopped: subcommand failed.\n";
    const auto found = grader::parse_cxx_diagnostics(log, src);
    REQUIRE(found.size() == 4);
    CHECK(found[0].id == "compile-error");
    CHECK(found[0].file == "src/main.cpp");
    CHECK(found[0].line == 12);
    CHECK(found[0].column == 5);
    CHECK(found[0].message == "'foo' was not declared in this scope");
    CHECK(found[1].file == "src/other.cpp");
    CHECK(found[1].message == "missing.hpp: No such file or directory");
    CHECK(found[2].id == "cmake-error");
    CHECK(found[2].file == "CMakeLists.txt");
    CHECK(found[2].line == 4);
    CHECK(found[2].message == "find_package: Could not find a package configuration file provided "
                              "by \"nope\" with any of the following names:");
    CHECK(found[3].id == "compile-warning");
    CHECK(found[3].level == grader::severity::warning);
    CHECK(found[3].line == 7);

    CHECK(grader::parse_cxx_diagnostics(log, src, 2).size() == 2);

    // A CMake message that runs straight into a compiler line does not swallow it.
    const auto glued = grader::parse_cxx_diagnostics(
        "CMake Warning at CMakeLists.txt:9 (message):\n  careful\n   \n" + src.string() +
            "/src/main.cpp:2:1: error: expected ';'\n",
        src);
    REQUIRE(glued.size() == 2);
    CHECK(glued[0].id == "compile-error");
    CHECK(glued[0].line == 2);
    CHECK(glued[1].id == "cmake-warning");
    CHECK(glued[1].message == "message: careful");
    CHECK(
        grader::parse_cxx_diagnostics(std::string(100000, 'x') + ":1:1: error: x\n", src).empty());
}
