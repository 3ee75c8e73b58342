// The sandbox through the real grader binary, with shell submissions (no compiler needed).

#include "grader_cli.hpp"
#include "mock_api/server.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <dirent.h>

using test_support::check_of;
using test_support::temp_dir;

namespace {

std::string rubric_text(int output_kb = 1024) {
    return R"(schema: 1
name: sandbox-test
version: "1"
limits: {output_kb: )" +
           std::to_string(output_kb) + R"(}
scenarios:
  - name: one
    deadline_s: 2
    inline: {name: one, jobs: {count: 2}}
checks:
  - {id: build, category: build}
  - {id: crash, category: crash, scenarios: all}
  - {id: timeout, category: timeout, scenarios: all, threshold: {max_wall_s: 2}}
)";
}

// Grades a shell submission whose run command is `script`; returns the scenario's outcome.
test_support::graded grade_script(const temp_dir& dir,
                                  const std::string& script,
                                  int output_kb = 1024,
                                  const std::string& build = "") {
    const auto rubric = dir.write("rubric.yaml", rubric_text(output_kb));
    std::string manifest = "language: sh\nrun: '" + script + "'\n";
    if (!build.empty()) {
        manifest += "build: '" + build + "'\n";
    }
    dir.write("sub/submission.yaml", manifest);
    return test_support::grade(dir.path() / "sub", dir, {"--rubric", rubric.string()});
}

bool process_with_args_alive(const std::string& needle) {
    DIR* proc = ::opendir("/proc");
    bool found = false;
    while (dirent* e = ::readdir(proc)) {
        std::ifstream in(std::string("/proc/") + e->d_name + "/cmdline");
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        found = found || cmdline.find(needle) != std::string::npos;
    }
    ::closedir(proc);
    return found;
}

} // namespace

TEST_CASE("an exit code and a killing signal are reported apart", "[grader][sandbox][e2e]") {
    temp_dir dir;
    const auto exited = grade_script(dir, "echo hi; exit 3");
    REQUIRE(exited.result.is_object());
    const auto& out = exited.result["scenarios"][0]["outcome"];
    CHECK(out["exit_code"] == 3);
    CHECK(out["signal"].is_null());
    CHECK(out["stdout"] == "hi\n");
    CHECK(check_of(exited.result, "crash/one")["passed"] == true);

    temp_dir dir2;
    const auto killed = grade_script(dir2, "kill -SEGV $$");
    const auto& kout = killed.result["scenarios"][0]["outcome"];
    CHECK(kout["exit_code"].is_null());
    CHECK(kout["signal"] == "SIGSEGV");
    const auto crash = check_of(killed.result, "crash/one");
    CHECK(crash["passed"] == false);
    CHECK(crash["findings"][0]["id"] == "fatal-signal");
}

TEST_CASE("at the deadline the whole process group and setsid escapees are killed",
          "[grader][sandbox][e2e]") {
    temp_dir dir;
    const auto started = std::chrono::steady_clock::now();
    const auto g = grade_script(dir, "setsid sleep 312.5 & sleep 313.5");
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE(g.result.is_object());
    const auto& out = g.result["scenarios"][0]["outcome"];
    CHECK(out["timed_out"] == true);
    CHECK(out["signal"] == "SIGKILL");
    CHECK(check_of(g.result, "timeout/one")["passed"] == false);
    CHECK(check_of(g.result, "crash/one")["passed"] == true); // a deadline kill is not a crash
    CHECK(took < std::chrono::seconds(30));
    CHECK_FALSE(process_with_args_alive("sleep 313.5"));
    CHECK_FALSE(process_with_args_alive("sleep 312.5"));
    INFO("isolation: " << g.result["isolation"]);
}

TEST_CASE("output past the cap is dropped and counted", "[grader][sandbox][e2e]") {
    temp_dir dir;
    const auto g = grade_script(dir, "head -c 200000 /dev/zero | tr \"\\\\0\" a", 64);
    REQUIRE(g.result.is_object());
    const auto& out = g.result["scenarios"][0]["outcome"];
    CHECK(out["stdout"].get<std::string>().size() == 64 * 1024);
    CHECK(out["stdout_truncated_bytes"] == 200000 - 64 * 1024);
}

TEST_CASE("the candidate sees a clean environment with JOBS_API_URL", "[grader][sandbox][e2e]") {
    ::setenv("RUST_BACKTRACE", "1", 1);
    ::setenv("TG_TEST_SECRET", "do-not-leak", 1);
    temp_dir dir;
    const auto g = grade_script(dir, "env");
    ::unsetenv("RUST_BACKTRACE");
    ::unsetenv("TG_TEST_SECRET");
    REQUIRE(g.result.is_object());
    const std::string env = g.result["scenarios"][0]["outcome"]["stdout"];
    CHECK(env.find("JOBS_API_URL=http://127.0.0.1:") != std::string::npos);
    CHECK(env.find("PATH=/usr/local/bin:/usr/bin:/bin") != std::string::npos);
    CHECK(env.find("RUST_BACKTRACE") == std::string::npos);
    CHECK(env.find("do-not-leak") == std::string::npos);
}

TEST_CASE("in a private network namespace the candidate reaches the mock and nothing else",
          "[grader][sandbox][e2e]") {
    // A server on the host's loopback: visible to us, not to an isolated candidate.
    auto scene = mock_api::parse_scenario("name: host\njobs: {count: 1}\n", "host.yaml");
    REQUIRE(scene);
    mock_api::server host(scene.value());
    const auto bound = host.start();
    REQUIRE(bound);
    temp_dir dir;
    const std::string script =
        "curl -s -o /dev/null -w %{http_code} -m 2 " + bound.value().url +
        "/jobs; echo; curl -s -o /dev/null -w %{http_code} -m 2 $JOBS_API_URL/jobs";
    const auto g = grade_script(dir, script);
    REQUIRE(g.result.is_object());
    const std::string isolation = g.result["isolation"];
    const std::string out = g.result["scenarios"][0]["outcome"]["stdout"];
    if (isolation.rfind("none", 0) == 0) {
        WARN("no namespaces here (" << isolation << "): isolation not asserted");
        return;
    }
    CHECK(out == "000\n200");
    CHECK(host.journal().entries.empty());
}

TEST_CASE("a failing build is a scored finding and no scenario runs", "[grader][sandbox][e2e]") {
    temp_dir dir;
    const auto g = grade_script(dir, "true", 1024, "echo compiling >&2; exit 4");
    CHECK(g.run.exit_code == 1);
    REQUIRE(g.result.is_object());
    CHECK(g.result["build"]["ok"] == false);
    CHECK(g.result["scenarios"][0]["ran"] == false);
    CHECK(g.result["scenarios"][0]["not_run_reason"] == "the build failed");
    CHECK(check_of(g.result, "crash/one")["summary"] == "not run: the build failed");
    const auto build = check_of(g.result, "build");
    CHECK(build["passed"] == false);
    CHECK(build["findings"][0]["id"] == "build-error");
    CHECK(build["findings"][0]["message"] == "build command failed: echo compiling >&2; exit 4");
}

TEST_CASE("a candidate that kills the mock voids the run instead of forging its evidence",
          "[grader][sandbox][e2e]") {
    temp_dir dir;
    // Finds this run's own mock by its journal path (the run directory is HOME's parent), kills
    // it and writes a journal of its own.
    const auto g = grade_script(dir,
                                "run=$(dirname $HOME); for p in /proc/[0-9]*; do "
                                "if grep -qa \"$run/journal.json\" $p/cmdline 2>/dev/null; then "
                                "kill -9 ${p#/proc/}; fi; done; "
                                "echo forged > $run/journal.json; echo {}");
    REQUIRE(g.result.is_object());
    const auto& scenario = g.result["scenarios"][0];
    if (scenario["ran"] == true) {
        // Without a /proc of its own PID namespace (inside a chroot) the candidate sees host
        // PIDs it cannot signal from inside its namespace: the mock survived, and its own
        // journal replaced the forgery when it stopped.
        WARN("the candidate could not reach the mock here (" << g.result["isolation"] << ")");
        CHECK(scenario["fanout"]["listed"] == 2);
        return;
    }
    // Killed while the command ran, the mock is reaped with the leftovers: either wording.
    const std::string reason = scenario["not_run_reason"];
    CHECK(
        (reason ==
             "sandbox: the mock API was killed by SIGKILL: this run's journal cannot be trusted" ||
         reason == "sandbox: the mock API ended before the run did: this run's journal cannot be "
                   "trusted"));
    CHECK(check_of(g.result, "crash/one")["passed"] == false);
}
