// The probe on C++ programs using the project's runtime (programs/cpp/): the frames of
// rt::detail::run_one mean "inside a task's poll", blocking_pool::thread_main means
// "inside spawn_blocking".

#include "probe_fixture.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace probe_test;

namespace {

const fs::path cpp_dir = programs_dir() / "cpp";

} // namespace

TEST_CASE("rt: blocking in a spawned task or a coroutine is reported at its line, "
          "spawn_blocking, awaited sleeps and a plain thread's sockets are not",
          "[probe][rt]") {
    temp_dir dir;
    write_file(dir.path() / "data.txt", std::string(4096, 'x'));
    const auto run =
        run_probed(dir.path(), RT_MULTI_THREAD_EXE, {(dir.path() / "data.txt").string()});
    REQUIRE(run.result.exit_code == 0);
    const auto report = analyse(run.log, cpp_dir);
    INFO(describe(report));
    CHECK(report.loaded);
    CHECK(report.runtimes_seen == std::vector<std::string>{"rt"});
    // Every line that must be reported is, and only those or the socket calls that may be.
    const fs::path source = cpp_dir / "rt_multi_thread.cpp";
    const std::set<int> reported = reported_lines(report, "rt_multi_thread.cpp");
    std::set<int> allowed = marked_lines(source, "probe: may block");
    const std::set<int> required = marked_lines(source);
    allowed.insert(required.begin(), required.end());
    CHECK(std::includes(reported.begin(), reported.end(), required.begin(), required.end()));
    CHECK(std::includes(allowed.begin(), allowed.end(), reported.begin(), reported.end()));
    for (const auto& call : report.calls) {
        CHECK(call.runtime == "rt");
        CHECK(call.context == "rt task poll");
        CHECK(call.thread.rfind("rt-worker-", 0) == 0);
    }
    // The sleep in spawn_blocking ran, on the blocking pool: seen and excused.
    CHECK(report.excused >= 1);
}

TEST_CASE("rt: a blocking sleep in a current-thread block_on task is reported on the main thread, "
          "the same sleep before block_on is not",
          "[probe][rt]") {
    temp_dir dir;
    const auto run = run_probed(dir.path(), RT_CURRENT_THREAD_EXE, {});
    REQUIRE(run.result.exit_code == 0);
    const auto report = analyse(run.log, cpp_dir);
    INFO(describe(report));
    CHECK(reported_lines(report, "rt_current_thread.cpp") ==
          marked_lines(cpp_dir / "rt_current_thread.cpp"));
    REQUIRE(report.calls.size() == 1);
    CHECK(report.calls[0].call == "nanosleep"); // libstdc++'s sleep_for
    CHECK(report.calls[0].detail == "sleep 20 ms");
    CHECK(report.calls[0].context == "rt task poll");
    CHECK(report.calls[0].where->function.find("main_task") != std::string::npos);
}
