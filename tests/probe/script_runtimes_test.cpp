// The probe on event-loop runtimes: Node and Python asyncio. A thread is an event-loop thread
// from its first epoll_wait; the interpreter's own stack (JavaScript, Python) gives the line.

#include "probe_fixture.hpp"

#include <catch2/catch.hpp>

using namespace probe_test;

namespace {

const fs::path node_dir = programs_dir() / "node";
const fs::path python_dir = programs_dir() / "python";

// The interpreters the grader runs submissions with.
constexpr const char* node_exe = "/usr/bin/node";
constexpr const char* python_exe = "/usr/bin/python3";

tg::probe::probe_report
run_script(const char* interpreter, const fs::path& script, const fs::path& dir) {
    REQUIRE(fs::exists(interpreter));
    write_file(dir / "data.txt", "{\"jobs\": [1, 2, 3]}\n");
    const auto run = run_probed(dir, interpreter, {script.string(), (dir / "data.txt").string()});
    INFO(run.result.err);
    REQUIRE(run.result.exit_code == 0);
    return analyse(run.log, script.parent_path());
}

} // namespace

TEST_CASE("node: readFileSync after an await is reported at its line, fs.promises and "
          "start-up require are not",
          "[probe][node]") {
    temp_dir dir;
    const auto report = run_script(node_exe, node_dir / "event_loop_blocks.js", dir.path());
    INFO(describe(report));
    CHECK(report.runtimes_seen == std::vector<std::string>{"node"});
    CHECK(reported_lines(report, "event_loop_blocks.js") ==
          marked_lines(node_dir / "event_loop_blocks.js"));
    REQUIRE_FALSE(report.calls.empty());
    for (const auto& call : report.calls) {
        CHECK(call.context == "node event loop");
        CHECK(call.where->function == "loadJobs");
        CHECK(call.detail.find("data.txt") != std::string::npos);
    }
}

TEST_CASE("python: time.sleep and open in a coroutine are reported at their lines, "
          "asyncio.sleep, executors and code around asyncio.run are not",
          "[probe][python]") {
    temp_dir dir;
    const auto report = run_script(python_exe, python_dir / "asyncio_blocks.py", dir.path());
    INFO(describe(report));
    CHECK(report.runtimes_seen == std::vector<std::string>{"python"});
    CHECK(reported_lines(report, "asyncio_blocks.py") ==
          marked_lines(python_dir / "asyncio_blocks.py"));
    std::set<std::string> calls;
    for (const auto& call : report.calls) {
        calls.insert(call.call);
        CHECK(call.context == "python asyncio event loop");
    }
    CHECK(calls == std::set<std::string>{"clock_nanosleep", "open64", "read"});
}

TEST_CASE("python: threads that sleep and read files without an event loop have no async "
          "context",
          "[probe][python]") {
    temp_dir dir;
    const auto report = run_script(python_exe, python_dir / "threads_no_loop.py", dir.path());
    INFO(describe(report));
    CHECK(report.loaded);
    CHECK(report.runtimes_seen.empty());
    CHECK(report.calls.empty());
    CHECK(report.async_calls == 0);
}
