// The instrumentation: per-task statistics and the long-poll watchdog (trace.hpp).

#include "runtime/all.hpp"
#include "runtime/trace.hpp"
#include "test_util.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;

namespace {

// Collects long polls for one test and restores the defaults afterwards.
class watchdog_capture {
  public:
    explicit watchdog_capture(std::chrono::milliseconds threshold) {
        rt::trace::set_long_poll_threshold(threshold);
        rt::trace::set_long_poll_observer([this](const rt::long_poll& p) {
            std::lock_guard lock(mutex_);
            seen_.push_back(p);
        });
    }
    ~watchdog_capture() {
        rt::trace::set_long_poll_observer({});
        rt::trace::set_long_poll_threshold(10ms);
    }
    std::vector<rt::long_poll> seen() {
        std::lock_guard lock(mutex_);
        return seen_;
    }

  private:
    std::mutex mutex_;
    std::vector<rt::long_poll> seen_;
};

rt::task<void> blocks_its_worker() {
    std::this_thread::sleep_for(80ms); // the deliberate mistake: a thread sleep in async code
    co_return;
}

rt::task<void> sleeps_politely() { co_await rt::sleep_for(120ms); }

rt::task<void> run_both() {
    auto blocker = rt::spawn(blocks_its_worker(), "blocker");
    auto sleeper = rt::spawn(sleeps_politely(), "sleeper");
    co_await blocker;
    co_await sleeper;
}

} // namespace

TEST_CASE("the watchdog flags a blocking resume and leaves an async sleep alone",
          "[runtime][trace]") {
    watchdog_capture capture(30ms);
    rt::multi_thread_runtime runtime(2);
    runtime.block_on(run_both());
    const auto seen = capture.seen();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].task == "blocker");
    CHECK(seen[0].duration >= 70ms);
    CHECK(seen[0].spawned_at.find("trace_test.cpp:") != std::string::npos);
    CHECK(rt_test::starts_with(seen[0].thread, "rt-worker-"));
}

TEST_CASE("the watchdog threshold is configurable", "[runtime][trace]") {
    watchdog_capture capture(200ms);
    rt::block_on(run_both());
    CHECK(capture.seen().empty()); // 80 ms is below this threshold
}

TEST_CASE("the trace file gets long polls and per-task statistics as JSON lines",
          "[runtime][trace]") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("rt-trace-" + std::to_string(::getpid()) + ".jsonl");
    std::filesystem::remove(path);
    rt::trace::set_long_poll_threshold(30ms);
    rt::trace::set_trace_file(path.string());
    rt::block_on([]() -> rt::task<void> {
        auto sleeper = rt::spawn(
            []() -> rt::task<void> {
                for (int i = 0; i < 3; ++i) {
                    co_await rt::sleep_for(5ms);
                }
            }(),
            "three-naps");
        auto blocker = rt::spawn(blocks_its_worker(), "blocker");
        co_await sleeper;
        co_await blocker;
    }());
    rt::trace::set_trace_file("");
    rt::trace::set_long_poll_threshold(10ms);

    std::ifstream in(path);
    std::vector<nlohmann::json> events;
    for (std::string line; std::getline(in, line);) {
        events.push_back(nlohmann::json::parse(line));
    }
    std::filesystem::remove(path);
    const auto find = [&](const std::string& event, const std::string& task) {
        for (const auto& e : events) {
            if (e["event"] == event && e["task"] == task) {
                return e;
            }
        }
        return nlohmann::json();
    };
    const auto naps = find("task_end", "three-naps");
    REQUIRE(naps.is_object());
    CHECK(naps["polls"] == 4); // the first run and one per nap
    CHECK(naps["longest_poll_us"].get<long>() < 30000);
    const auto blocker_end = find("task_end", "blocker");
    REQUIRE(blocker_end.is_object());
    CHECK(blocker_end["longest_poll_us"].get<long>() >= 70000);
    const auto flagged = find("long_poll", "blocker");
    REQUIRE(flagged.is_object());
    CHECK(flagged["duration_us"].get<long>() >= 70000);
    CHECK(flagged["spawned_at"].get<std::string>().find("trace_test.cpp:") != std::string::npos);
    CHECK(find("long_poll", "three-naps").is_null());
    CHECK(find("task_end", "block_on").is_object());
}

TEST_CASE("task_end is written when a task ends even while its join handle lives on",
          "[runtime][trace]") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("rt-trace-end-" + std::to_string(::getpid()) + ".jsonl");
    std::filesystem::remove(path);
    rt::trace::set_trace_file(path.string());
    const auto ended = [&path](const std::string& task) {
        std::ifstream in(path);
        for (std::string line; std::getline(in, line);) {
            const auto e = nlohmann::json::parse(line);
            if (e["event"] == "task_end" && e["task"] == task) {
                return true;
            }
        }
        return false;
    };
    bool seen_while_handle_alive = false;
    {
        auto [tx, rx] = rt::oneshot<int>();
        rt::current_thread_runtime runtime;
        runtime.block_on([](const decltype(ended)& is_ended,
                            bool& seen,
                            rt::oneshot_receiver<int> never) -> rt::task<void> {
            auto quick = rt::spawn([]() -> rt::task<void> { co_return; }(), "quick");
            co_await quick; // the handle stays alive until this task ends
            seen = is_ended("quick");
            rt::spawn([](rt::oneshot_receiver<int> r) -> rt::task<void> { co_await r.recv(); }(
                                                          std::move(never)),
                      "never-finishes")
                .detach();
            co_await rt::yield_now{};
        }(ended, seen_while_handle_alive, std::move(rx)));
        CHECK_FALSE(ended("never-finishes")); // still parked on the oneshot
    }                                         // the runtime destroys the parked task: it ended too
    rt::trace::set_trace_file("");
    CHECK(seen_while_handle_alive);
    CHECK(ended("never-finishes"));
    std::filesystem::remove(path);
}
