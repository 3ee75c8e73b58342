#include "grader/evidence/blocking.hpp"
#include "grader/evidence/crash.hpp"
#include "grader/evidence/fanout.hpp"
#include "grader/evidence/runtime_trace.hpp"
#include "grader/evidence/stdout_report.hpp"
#include "grader/evidence/untrusted.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <sys/stat.h>

using grader::analyse_crash;
using grader::analyse_fanout;
using mock_api::journal_entry;

namespace {

mock_api::scenario four_jobs() {
    auto s = mock_api::parse_scenario(R"(
name: four
jobs:
  list:
    - {id: 1, name: a, status: completed, owner: o, duration_ms: 1}
    - {id: 2, name: b, status: completed, owner: o, duration_ms: 1}
    - {id: 3, name: c, status: completed, owner: o, duration_ms: 1}
    - {id: 4, name: d, status: completed, owner: o, duration_ms: 1}
latency: {detail_ms: 100}
)",
                                      "four.yaml");
    REQUIRE(s);
    return s.value();
}

journal_entry detail(std::int64_t id, std::int64_t from_ms, std::int64_t to_ms, int status = 200) {
    journal_entry e;
    e.endpoint = "detail";
    e.job_id = id;
    e.received_us = 1'000'000 + from_ms * 1000;
    e.finished_us = 1'000'000 + to_ms * 1000;
    e.status = status;
    e.outcome = "answered";
    return e;
}

mock_api::journal_snapshot journal_of(std::vector<journal_entry> entries) {
    mock_api::journal_snapshot s;
    s.entries = std::move(entries);
    return s;
}

grader::run_outcome with_stderr(const std::string& text) {
    grader::run_outcome o;
    o.exit_code = 0;
    o.stderr_text = text;
    return o;
}

} // namespace

TEST_CASE("back-to-back details are classified sequential", "[grader][evidence]") {
    const auto ev = analyse_fanout(
        journal_of(
            {detail(1, 0, 100), detail(2, 100, 200), detail(3, 200, 300), detail(4, 300, 400)}),
        four_jobs());
    CHECK(ev.classification == "sequential");
    CHECK(ev.peak_in_flight == 1);
    CHECK(ev.window_ms == Approx(400));
    CHECK(ev.ideal_full_ms == Approx(100));
    CHECK(ev.missing_ids.empty());
}

TEST_CASE("all details at once are classified full with efficiency near 1", "[grader][evidence]") {
    const auto ev = analyse_fanout(
        journal_of({detail(1, 0, 100), detail(2, 1, 101), detail(3, 2, 102), detail(4, 3, 104)}),
        four_jobs());
    CHECK(ev.classification == "full");
    CHECK(ev.peak_in_flight == 4);
    CHECK(ev.efficiency > 0.9);
}

TEST_CASE("a pool of two is bounded and judged against a pool of two", "[grader][evidence]") {
    const auto ev = analyse_fanout(
        journal_of(
            {detail(1, 0, 100), detail(2, 0, 100), detail(3, 100, 200), detail(4, 100, 200)}),
        four_jobs());
    CHECK(ev.classification == "bounded(2)");
    CHECK(ev.ideal_at_peak_ms == Approx(200));
    CHECK(ev.efficiency == Approx(1.0));
    // The same pool with idle gaps between waves is less efficient.
    const auto slow = analyse_fanout(
        journal_of(
            {detail(1, 0, 100), detail(2, 0, 100), detail(3, 300, 400), detail(4, 300, 400)}),
        four_jobs());
    CHECK(slow.efficiency == Approx(0.5));
    // Its freed slots waited 200 ms for the next wave; the busy pool refilled at once.
    CHECK(slow.refills == 2);
    CHECK(slow.refill_median_ms == Approx(200));
    CHECK(ev.refills == 2);
    CHECK(ev.refill_median_ms == Approx(0));
}

TEST_CASE("missing and duplicated detail requests are reported but a 429 retry is not a duplicate",
          "[grader][evidence]") {
    const auto ev = analyse_fanout(
        journal_of(
            {detail(1, 0, 100), detail(1, 0, 100), detail(2, 0, 10, 429), detail(2, 20, 120)}),
        four_jobs());
    CHECK(ev.duplicate_ids == std::vector<std::int64_t>{1});
    CHECK(ev.missing_ids == std::vector<std::int64_t>{3, 4});
}

TEST_CASE("panics are found in the rustc 1.95 format with a thread id",
          "[grader][evidence][crash]") {
    const auto found = analyse_crash(with_stderr(
        "job 3: fine\nthread 'tokio-runtime-worker' (4242) panicked at src/main.rs:67:59:\n"
        "called `Result::unwrap()` on an `Err` value: Error(\"EOF\", line: 1, column: 79)\n"
        "note: run with `RUST_BACKTRACE=1`\n"));
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == "unwrap-panic");
    CHECK(found[0].file == "src/main.rs");
    CHECK(found[0].line == 67);
    CHECK(found[0].column == 59);
    CHECK(found[0].message ==
          "thread 'tokio-runtime-worker' panicked: called `Result::unwrap()` on an `Err` value: "
          "Error(\"EOF\", line: 1, column: 79)");
}

TEST_CASE("panics are found in the rustc 1.73 and the older format", "[grader][evidence][crash]") {
    const auto newer =
        analyse_crash(with_stderr("thread 'main' panicked at src/lib.rs:10:5:\nboom\n"));
    REQUIRE(newer.size() == 1);
    CHECK(newer[0].id == "rust-panic");
    CHECK(newer[0].line == 10);
    CHECK(newer[0].message == "thread 'main' panicked: boom");
    const auto older =
        analyse_crash(with_stderr("thread 'main' panicked at 'called `Option::unwrap()` on a "
                                  "`None` value', src/main.rs:12:30\n"));
    REQUIRE(older.size() == 1);
    CHECK(older[0].id == "unwrap-panic");
    CHECK(older[0].file == "src/main.rs");
    CHECK(older[0].line == 12);
}

TEST_CASE("a panic with exit code 0 is still a crash", "[grader][evidence][crash]") {
    auto run =
        with_stderr("thread 'tokio-runtime-worker' panicked at src/main.rs:5:1:\nlost task\n");
    run.exit_code = 0;
    CHECK(analyse_crash(run).size() == 1);
}

TEST_CASE("uncaught C++ exceptions and fatal signals are crashes but a deadline kill is not",
          "[grader][evidence][crash]") {
    auto cpp = with_stderr("terminate called after throwing an instance of 'std::runtime_error'\n  "
                           "what():  bad json\n");
    cpp.exit_code.reset();
    cpp.signal = SIGABRT;
    const auto found = analyse_crash(cpp);
    REQUIRE(found.size() == 2);
    CHECK(found[0].message == "uncaught C++ exception std::runtime_error: bad json");
    CHECK(found[1].message == "the program was killed by SIGABRT (abort)");

    grader::run_outcome killed;
    killed.signal = SIGKILL;
    killed.timed_out = true;
    CHECK(analyse_crash(killed).empty());
    grader::run_outcome segv;
    segv.signal = SIGSEGV;
    REQUIRE(analyse_crash(segv).size() == 1);
    CHECK(analyse_crash(segv)[0].message == "the program was killed by SIGSEGV");
}

TEST_CASE("hostile stderr neither crashes the analysis nor overflows numbers",
          "[grader][evidence][crash]") {
    const std::string huge(200000, 'x');
    // One enormous line that looks like the start of a panic but is not one.
    CHECK(analyse_crash(with_stderr("thread '" + huge + "\n")).empty());
    // A real panic with an enormous message and an absurd line number.
    const auto found = analyse_crash(
        with_stderr("thread 'main' panicked at src/main.rs:99999999999:1:\n" + huge + "\n"));
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 0);
    CHECK(found[0].message.size() < 1000);
    const auto terminate =
        analyse_crash(with_stderr("terminate called after throwing an instance of '" + huge));
    REQUIRE(terminate.size() == 1);
    CHECK(terminate[0].id == "uncaught-exception");
}

TEST_CASE("deeply nested JSON on stdout is refused rather than parsed", "[grader][evidence]") {
    const std::string deep = "{\"completed\":" + std::string(400000, '[');
    const auto parsed = grader::parse_report(deep);
    CHECK_FALSE(parsed.report.has_value());
    CHECK(parsed.error == "JSON nested deeper than 32 levels");
    CHECK(grader::parse_report("{\"a\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}")
              .report.has_value());
}

TEST_CASE("a number beyond double's range on stdout is a report error, not an exception",
          "[grader][evidence]") {
    const auto parsed = grader::parse_report("{\"completed\": [9e99999]}");
    CHECK_FALSE(parsed.report.has_value());
    CHECK(parsed.error.find("number overflow") != std::string::npos);
}

TEST_CASE("the runtime trace keeps the longest polls with spawn sites relative to the source",
          "[grader][evidence][trace]") {
    test_support::temp_dir dir;
    const std::string root = (dir.path() / "work").string();
    std::string lines;
    for (int i = 1; i <= 5; ++i) {
        lines += R"({"event":"long_poll","task_id":)" + std::to_string(i) + R"(,"task":"t)" +
                 std::to_string(i) + R"(","spawned_at":")" + root +
                 "/src/main.cpp:" + std::to_string(10 * i) +
                 R"(","thread":"rt-worker-0","duration_us":)" + std::to_string(i * 11000) +
                 ",\"at_us\":1}\n";
    }
    lines +=
        R"({"event":"task_end","task_id":1,"task":"t1","spawned_at":"x:1","polls":3,"busy_us":5,"longest_poll_us":5})"
        "\n";
    lines += "not json\n";
    lines += R"({"event":"long_poll","task":"no duration"})"
             "\n";
    lines += std::string(40, '[') + "\n";
    lines += R"({"event":"something_else"})"
             "\n";
    const auto file = dir.write("trace.jsonl", lines);

    const auto t = grader::read_runtime_trace(file, root, std::size_t{1} << 20, 3);
    CHECK(t.present);
    CHECK_FALSE(t.truncated);
    CHECK(t.tasks_ended == 1);
    CHECK(t.long_polls_total == 5);
    CHECK(t.unreadable_lines == 4);
    REQUIRE(t.long_polls.size() == 3);
    CHECK(t.long_polls[0].task == "t5");
    CHECK(t.long_polls[0].spawned_at == "src/main.cpp:50");
    CHECK(t.long_polls[0].duration_ms == Approx(55.0));
    CHECK(t.long_polls[2].task == "t3");

    const auto capped = grader::read_runtime_trace(file, root, 300);
    CHECK(capped.truncated);
    CHECK(capped.long_polls_total <= 2);
    CHECK(capped.unreadable_lines == 0); // a line cut by the cap is not read at all

    CHECK_FALSE(grader::read_runtime_trace(dir.path() / "absent.jsonl", root).present);
}

TEST_CASE("a candidate-written evidence file is never a FIFO or a symlink the grader follows",
          "[grader][evidence][trace]") {
    test_support::temp_dir dir;
    const auto fifo = dir.path() / "rt-trace.jsonl";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto from_fifo = grader::read_runtime_trace(fifo, dir.path()); // must not block
    CHECK(from_fifo.present);
    CHECK(from_fifo.refused == "not a regular file");
    CHECK(from_fifo.long_polls_total == 0);

    const auto secret = dir.write("secret.txt", "{\"event\":\"task_end\"}\n");
    const auto link = dir.path() / "link.jsonl";
    std::filesystem::create_symlink(secret, link);
    const auto via_link = grader::read_runtime_trace(link, dir.path());
    CHECK(via_link.refused == "a symbolic link");
    CHECK(via_link.tasks_ended == 0);

    const auto exact = grader::read_untrusted_file(dir.write("ten.txt", "0123456789"), 10);
    CHECK(exact.text == "0123456789");
    CHECK_FALSE(exact.truncated);
    const auto longer = grader::read_untrusted_file(dir.path() / "ten.txt", 4);
    CHECK(longer.text == "0123");
    CHECK(longer.truncated);
    CHECK_FALSE(grader::read_untrusted_file(dir.path() / "absent", 4).exists);
}

// asyncio debug's slow steps are timed by the wall clock: alone, beside a probe that saw the
// loop never block, they are preemption on a busy machine and are dropped; beside a probe call
// on the loop they stay, and without the probe they are all there is.
TEST_CASE("an asyncio slow step counts only beside a blocking call the probe saw on the loop",
          "[grader][evidence][blocking]") {
    test_support::temp_dir dir;
    const auto src = dir.path() / "src";
    std::filesystem::create_directories(src);
    dir.write("src/jobs.py", "import asyncio\n");
    const std::string slow_step =
        "Executing <Task pending name='Task-3' coro=<fetch() running at " +
        (src / "jobs.py").string() + ":1> wait_for=<Future pending>> took 0.152 seconds\n";
    const auto diagnostics = grader::split_runtime_diagnostics(slow_step, src);
    REQUIRE(diagnostics.calls.size() == 1);
    CHECK(diagnostics.candidate_stderr.empty());

    const std::string hello =
        R"({"ev":"hello","pid":7,"img":"b2","v":1,"ppid":1,"exe":"/usr/bin/python3"})"
        "\n";
    const std::string loop_sleep =
        R"({"ev":"call","pid":7,"img":"b2","tid":7,"thread":"python3","call":"clock_nanosleep",)"
        R"("detail":"sleep 5 ms","ms":5.1,"verdict":"async","runtime":"python",)"
        R"("context":"python asyncio event loop","by":"runtime","site":"s1","n":1,"frames":""})"
        "\n";
    grader::blocking_inputs inputs;
    inputs.source_dir = src;
    inputs.probe_log = dir.write("quiet.log", hello);
    const auto quiet = grader::read_blocking_evidence(inputs, diagnostics.calls, {});
    REQUIRE(quiet.probe_loaded);
    CHECK(quiet.calls.empty());

    inputs.probe_log = dir.write("blocked.log", hello + loop_sleep);
    const auto blocked = grader::read_blocking_evidence(inputs, diagnostics.calls, {});
    REQUIRE(blocked.probe_loaded);
    CHECK(std::any_of(blocked.calls.begin(), blocked.calls.end(), [](const auto& c) {
        return c.sources == std::vector<std::string>{"asyncio debug"};
    }));

    inputs.probe_log.clear();
    const auto unprobed = grader::read_blocking_evidence(inputs, diagnostics.calls, {});
    CHECK(unprobed.calls.size() == 1);
}
