#include "grader/rubric.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>
#include <sys/stat.h>

using test_support::temp_dir;

namespace {

const char* scenario_text = "name: s1\njobs: {count: 3}\n";

std::string rubric_with(const std::string& checks, const std::string& extra = "") {
    return "schema: 1\nname: r\nversion: \"1\"\n" + extra +
           "scenarios:\n  - {name: s1, file: s1.yaml, visibility: visible, deadline_s: 5}\n"
           "  - {name: s2, inline: {name: s2, jobs: {count: 2}}, visibility: hidden}\n"
           "checks:\n" +
           checks;
}

std::string error_of(const temp_dir& dir, const std::string& text) {
    const auto file = dir.write("r.yaml", text);
    auto r = grader::load_rubric(file);
    if (r) {
        return {};
    }
    // Messages name the file as given; strip the temp directory for comparison.
    const std::string prefix = (dir.path() / "").string();
    std::string msg = r.err().message;
    return msg.rfind(prefix, 0) == 0 ? msg.substr(prefix.size()) : msg;
}

} // namespace

TEST_CASE("a rubric loads its scenarios and fills check defaults", "[grader][rubric]") {
    temp_dir dir;
    dir.write("s1.yaml", scenario_text);
    const auto file = dir.write(
        "r.yaml",
        rubric_with(
            "  - {id: b, category: build, weight: 10}\n"
            "  - {id: c, category: concurrency, scenarios: all, weight: 5, gate: true}\n"
            "  - {id: t, category: timeout, scenarios: [s1], threshold: {max_wall_s: 2}}\n"));
    auto r = grader::load_rubric(file);
    REQUIRE(r);
    const auto& rb = r.value();
    REQUIRE(rb.scenarios.size() == 2);
    CHECK(rb.scenarios[0].scene.jobs.size() == 3);
    CHECK(rb.scenarios[0].deadline_s == 5);
    CHECK(rb.scenarios[1].vis == grader::visibility::hidden);
    CHECK(rb.scenarios[1].deadline_s == 10);
    CHECK_FALSE(rb.scenarios[1].inline_yaml.empty());
    CHECK(rb.checks[1].scenarios == std::vector<std::string>{"s1", "s2"});
    CHECK(rb.checks[1].gate);
    CHECK(rb.checks[1].threshold.at("min_peak_in_flight") == 8);
    CHECK(rb.checks[2].threshold.at("max_wall_s") == 2);
    CHECK(rb.pass_mark == Approx(0.7));
    CHECK(rb.content_hash.rfind("sha256:", 0) == 0);
    CHECK(rb.content_hash.size() == 7 + 64);
}

TEST_CASE("the content hash changes when a scenario file changes", "[grader][rubric]") {
    temp_dir dir;
    dir.write("s1.yaml", scenario_text);
    const auto file = dir.write("r.yaml", rubric_with("  - {id: b, category: build}\n"));
    const auto before = grader::load_rubric(file).value().content_hash;
    dir.write("s1.yaml", "name: s1\njobs: {count: 4}\n");
    CHECK(grader::load_rubric(file).value().content_hash != before);
}

TEST_CASE("rubric errors are located and worded exactly", "[grader][rubric]") {
    temp_dir dir;
    dir.write("s1.yaml", scenario_text);
    CHECK(
        error_of(
            dir,
            rubric_with(
                "  - {id: c, category: timeout, scenarios: [s1], thresold: {max_wall_s: 2}}\n")) ==
        "r.yaml:8:49: unknown key 'thresold' in 'check' (did you mean 'threshold'?)");
    CHECK(error_of(dir, rubric_with("  - {id: c, category: perf, scenarios: [s1]}\n")) ==
          "r.yaml:8:23: unknown category 'perf' (expected one of build, output, concurrency, "
          "blocking, errors, "
          "crash, timeout, style)");
    CHECK(error_of(dir, rubric_with("  - {id: c, category: output, scenarios: [s3]}\n")) ==
          "r.yaml:8:43: unknown scenario 's3' (did you mean 's1'?)");
    CHECK(
        error_of(
            dir,
            rubric_with(
                "  - {id: c, category: timeout, scenarios: [s1], threshold: {max_wal_s: 2}}\n")) ==
        "r.yaml:8:61: unknown key 'max_wal_s' in 'threshold' (did you mean 'max_wall_s'?)");
    CHECK(error_of(dir,
                   rubric_with("  - {id: c, category: output, scenarios: [s1], weight: many}\n")) ==
          "r.yaml:8:56: 'weight' must be a number, got 'many'");
    CHECK(error_of(dir, rubric_with("  - {id: c, category: output}\n")) ==
          "r.yaml:8:5: check 'c' needs 'scenarios' (a list of names, or all)");
    CHECK(error_of(dir, rubric_with("  - {id: c, category: style, scenarios: all}\n")) ==
          "r.yaml:8:23: checks of category 'style' have no evaluator in this grader version yet");
    // The blocking check judges the whole submission: every scenario unless it names some.
    CHECK(error_of(dir,
                   rubric_with("  - {id: c, category: blocking, threshold: {static_fails: 0}}\n"))
              .empty());
    CHECK(error_of(dir,
                   rubric_with("  - {id: b, category: build}\n  - {id: b, category: build}\n")) ==
          "r.yaml:9:5: duplicate check id 'b'");
    CHECK(error_of(dir, rubric_with("  - {id: b, category: build}\n", "pass_mark: 70\n")) ==
          "r.yaml:4:12: 'pass_mark' must be between 0 and 1, got 70");
}

TEST_CASE("a cpp profile names its compiler, and one that is not a program is refused",
          "[grader][rubric]") {
    temp_dir dir;
    dir.write("s1.yaml", scenario_text);
    const auto loaded = [&](const std::string& profiles) {
        const auto file = dir.write(
            "r.yaml", rubric_with("  - {id: b, category: build}\n", "profiles:\n" + profiles));
        return grader::load_rubric(file);
    };
    auto named = loaded("  cpp: {build_timeout_s: 300, compiler: clang++-19}\n");
    REQUIRE(named);
    CHECK(named.value().profile_for("cpp").compiler == "clang++-19");
    CHECK(named.value().profile_for("cpp").timeout_s == 300);
    CHECK(named.value().profile_for("rust").compiler.empty());
    CHECK(error_of(dir,
                   rubric_with("  - {id: b, category: build}\n",
                               "profiles:\n  cpp: {compiler: \"g++; rm -rf /\"}\n")) ==
          "r.yaml:5:19: 'compiler' must be a program name or an absolute path (letters, digits "
          "and _ . + - /), not 'g++; rm -rf /'");
    // Only the cpp profile has a compiler.
    CHECK(error_of(dir,
                   rubric_with("  - {id: b, category: build}\n",
                               "profiles:\n  rust: {compiler: clang}\n"))
              .find("unknown key 'compiler'") != std::string::npos);
}

TEST_CASE("an error inside a scenario file is reported at both places", "[grader][rubric]") {
    temp_dir dir;
    dir.write("s1.yaml", "name: s1\njobs: {count: 3}\nlatncy: {}\n");
    const auto message = error_of(dir, rubric_with("  - {id: b, category: build}\n"));
    const std::string scenario_file = (dir.path() / "s1.yaml").string();
    CHECK(message == "r.yaml:5:22: in scenario file: " + scenario_file +
                         ":3:1: unknown key 'latncy' in 'scenario' (did you mean 'latency'?)");
}

TEST_CASE("a rubric naming a device, a FIFO or an impossible name gets a located error",
          "[grader][rubric]") {
    temp_dir dir;
    dir.write("s1.yaml", scenario_text);
    const std::string checks = "  - {id: b, category: build}\n";
    // /dev/zero would be read without end, a FIFO would block the loader forever.
    const std::string fifo = (dir.path() / "fifo.yaml").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    for (const std::string& file : {std::string("/dev/zero"), fifo}) {
        auto text = rubric_with(checks);
        text.replace(text.find("s1.yaml"), 7, file);
        CHECK(error_of(dir, text) ==
              "r.yaml:5:22: in scenario file: " + file + ": not a regular file");
    }
    const std::string long_name(300, 'a');
    CHECK(error_of(dir, rubric_with(checks, "prompt: " + long_name + "\n")) ==
          "r.yaml:4:9: prompt file " + (dir.path() / long_name).string() +
              " cannot be read: File name too long");
    CHECK(error_of(dir, rubric_with(checks, "prompt: .\n")) ==
          "r.yaml:4:9: prompt file " + (dir.path() / ".").string() + " is not a regular file");
}

TEST_CASE("an inline scenario's errors point into the rubric file", "[grader][rubric]") {
    temp_dir dir;
    dir.write("s1.yaml", scenario_text);
    const std::string text =
        "schema: 1\nname: r\nversion: \"1\"\nscenarios:\n  - name: s2\n    inline:\n"
        "      name: s2\n      jobs: {count: -1}\nchecks:\n  - {id: b, category: build}\n";
    CHECK(error_of(dir, text) == "r.yaml:8:21: 'count' must be between 0 and 100000, got -1");
}

TEST_CASE("the bundled default rubric validates", "[grader][rubric]") {
    auto r = grader::load_rubric(std::string(TG_SOURCE_DIR) + "/rubrics/jobs-fanout.yaml");
    REQUIRE(r);
    int hidden = 0;
    for (const auto& s : r.value().scenarios) {
        hidden += s.vis == grader::visibility::hidden ? 1 : 0;
    }
    CHECK(hidden >= 3);
    CHECK(std::filesystem::exists(r.value().prompt));
}
