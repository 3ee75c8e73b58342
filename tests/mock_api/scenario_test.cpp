#include "mock_api/oracle.hpp"
#include "mock_api/scenario.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

using mock_api::parse_scenario;

namespace {

std::string error_of(const std::string& text) {
    auto s = parse_scenario(text, "s.yaml");
    return s ? std::string{} : s.err().message;
}

} // namespace

TEST_CASE("a generated scenario reads its settings and defaults", "[mock_api][scenario]") {
    auto s = parse_scenario("name: happy\nseed: 9\njobs:\n  count: 5\nlatency:\n  detail_ms: 100\n"
                            "  per_id: {3: 250}\n",
                            "s.yaml");
    REQUIRE(s);
    CHECK(s.value().name == "happy");
    CHECK(s.value().seed == 9);
    CHECK(s.value().jobs.size() == 5);
    CHECK(s.value().latency.detail_ms == 100);
    CHECK(s.value().detail_latency_ms(3) == 250);
    CHECK(s.value().limits.max_connections == 4096);
    CHECK_FALSE(s.value().list_fault.has_value());
}

TEST_CASE("an explicit job list keeps statuses verbatim and the list status apart",
          "[mock_api][scenario]") {
    auto s = parse_scenario(R"(
name: explicit
jobs:
  list:
    - {id: 4, name: deploy, status: " Completed ", list_status: running, owner: ana, duration_ms: 10}
    - {id: 2, name: build, status: failed, owner: bo, duration_ms: 0, finished_at: "2026-11-20T10:00:00Z"}
)",
                            "s.yaml");
    REQUIRE(s);
    const auto& jobs = s.value().jobs;
    REQUIRE(jobs.size() == 2);
    CHECK(jobs[0].id == 4);
    CHECK(jobs[0].status == " Completed ");
    CHECK(jobs[0].list_status == "running");
    CHECK_FALSE(jobs[0].finished_at.has_value());
    CHECK(jobs[1].list_status == "failed");
    CHECK(jobs[1].finished_at == "2026-11-20T10:00:00Z");
}

TEST_CASE("faults apply by id with the first match winning and rate limits passing later attempts",
          "[mock_api][scenario]") {
    auto s = parse_scenario(R"(
name: f
jobs: {count: 6}
faults:
  list: {kind: status, status: 503}
  detail:
    - {ids: [2], kind: rate_limit, attempts: 2, retry_after_s: 1}
    - {kind: malformed}
)",
                            "s.yaml");
    REQUIRE(s);
    const auto& scene = s.value();
    REQUIRE(scene.list_fault.has_value());
    CHECK(scene.list_fault->status == 503);
    const auto* first = scene.detail_fault_for(2); // seed 1 generates ids 2, 5, 8 ...
    REQUIRE(first != nullptr);
    CHECK(first->kind == mock_api::fault_kind::rate_limit);
    CHECK(first->applies_to_attempt(2));
    CHECK_FALSE(first->applies_to_attempt(3));
    const auto* other = scene.detail_fault_for(5);
    REQUIRE(other != nullptr);
    CHECK(other->kind == mock_api::fault_kind::malformed);
}

TEST_CASE("scenario errors are located and worded exactly", "[mock_api][scenario]") {
    CHECK(error_of("name: x\nsed: 3\njobs: {count: 1}\n") ==
          "s.yaml:2:1: unknown key 'sed' in 'scenario' (did you mean 'seed'?)");
    CHECK(error_of("name: x\njobs:\n  count: lots\n") ==
          "s.yaml:3:10: 'count' must be an integer, got 'lots'");
    CHECK(error_of("name: x\njobs: {count: 1}\nlatency: {detail_ms: -5}\n") ==
          "s.yaml:3:22: 'detail_ms' must be between 0 and 600000, got -5");
    CHECK(error_of("jobs: {count: 1}\n") == "s.yaml:1:1: missing required key 'name'");
    CHECK(
        error_of(
            "name: x\njobs: {count: 2}\nfaults:\n  detail:\n    - {ids: [1], kind: explode}\n") ==
        "s.yaml:5:24: unknown fault kind 'explode' (expected one of status, malformed, truncated, "
        "empty_reply, reset, hang, drip, rate_limit)");
    CHECK(error_of(
              "name: x\njobs: {count: 2}\nfaults:\n  detail:\n    - {ids: [99], kind: hang}\n") ==
          "s.yaml:5:14: fault names job 99, which is not in the dataset (ids 2, 5)");
    CHECK(error_of("name: x\njobs: {count: 2}\nfaults:\n  list: {kind: hang, status: 500}\n") ==
          "s.yaml:4:30: 'status' does not apply to fault kind 'hang'");
    CHECK(error_of("name: x\njobs: {count: 2}\nfaults:\n  list: {kind: status, status: 200}\n") ==
          "s.yaml:4:32: 'status' must be between 400 and 599, got 200");
    CHECK(error_of("name: x\njobs: {count: 2, list: []}\n") ==
          "s.yaml:2:7: 'jobs' needs exactly one of 'count' (generate) or 'list' (explicit)");
    CHECK(error_of("name: x\njobs:\n  list:\n    - {id: 1, name: a, status: queued, owner: o, "
                   "duration_ms: 1}\n"
                   "    - {id: 1, name: b, status: queued, owner: o, duration_ms: 1}\n") ==
          "s.yaml:5:12: duplicate job id 1");
    CHECK(error_of("name: x\njobs: {count: 1}\nlimits: {over_limit_status: 500}\n") ==
          "s.yaml:3:29: 'over_limit_status' must be 429 or 503, got 500");
    CHECK(error_of("name: x\njobs: [1, 2\n").rfind("s.yaml:", 0) == 0);
}

TEST_CASE("timings near the contract's 2 s timeout are refused as ambiguous",
          "[mock_api][scenario]") {
    CHECK(error_of("name: x\njobs: {count: 1}\nlatency: {detail_ms: 1800}\n") ==
          "s.yaml:3:10: detail answer time for job 2 of 1800 ms is within 500 ms of the contract's "
          "2000 ms timeout: a correct client may go either way");
    CHECK(error_of("name: x\njobs: {count: 1}\nlatency: {list_ms: 2200}\n") ==
          "s.yaml:3:20: list answer time of 2200 ms is within 500 ms of the contract's 2000 ms "
          "timeout: a correct client may go either way");
    // Clear of the band on either side is fine.
    CHECK(error_of("name: x\njobs: {count: 1}\nlatency: {detail_ms: 3000}\n").empty());
    CHECK(error_of("name: x\njobs: {count: 1}\nlatency: {detail_ms: 1000}\n").empty());
}

TEST_CASE("jitter is seeded per job and stays within its bound", "[mock_api][scenario]") {
    const std::string text =
        "name: j\nseed: 5\njobs: {count: 40}\nlatency: {detail_ms: 100, jitter_ms: 30}\n";
    auto a = parse_scenario(text, "a.yaml");
    auto b = parse_scenario(text, "b.yaml");
    REQUIRE(a);
    REQUIRE(b);
    bool varies = false;
    for (const auto& j : a.value().jobs) {
        const int ms = a.value().detail_latency_ms(j.id);
        CHECK(ms >= 100);
        CHECK(ms <= 130);
        CHECK(ms == b.value().detail_latency_ms(j.id));
        varies = varies || ms != a.value().detail_latency_ms(a.value().jobs.front().id);
    }
    CHECK(varies);
}

TEST_CASE("every bundled scenario loads and its oracle accepts its own expectation",
          "[mock_api][scenario]") {
    const std::filesystem::path dir = std::filesystem::path(TG_SOURCE_DIR) / "rubrics";
    int seen = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.path().parent_path().filename() != "scenarios" ||
            entry.path().extension() != ".yaml") {
            continue;
        }
        INFO(entry.path().string());
        const auto s = mock_api::load_scenario(entry.path());
        REQUIRE(s);
        CHECK(s.value().name == entry.path().stem().string());
        const auto o = mock_api::compute_oracle(s.value());
        if (o.list != mock_api::list_expectation::fails) {
            CHECK(o.differences(o.expected).empty());
        }
        ++seen;
    }
    CHECK(seen >= 5);
}

TEST_CASE("scenario text that JSON cannot carry is refused where it is written",
          "[mock_api][scenario]") {
    // nlohmann::json refuses to write invalid UTF-8: such a job would crash the server when it
    // serialises its bodies (found by fuzz_scenario).
    CHECK(
        error_of("name: x\njobs:\n  list:\n    - {id: 1, name: \"a\xff\", status: done, owner: o, "
                 "duration_ms: 1}\n") == "s.yaml:4:21: 'name' is not valid UTF-8");
    CHECK(error_of("name: \"\xc3\"\njobs: {count: 1}\n") ==
          "s.yaml:1:7: 'name' is not valid UTF-8");
    CHECK(error_of("name: x\njobs:\n  list:\n    - {id: 1, name: a, status: done, owner: o, "
                   "duration_ms: 1, extra: {note: \"\xed\xa0\x80\"}}\n") ==
          "s.yaml:4:78: 'note' is not valid UTF-8");
    CHECK(error_of("name: \"caf\xc3\xa9 \xf0\x9f\x9a\x80\"\njobs: {count: 1}\n").empty());
}

TEST_CASE("durations stay within what a JSON client adds up exactly", "[mock_api][scenario]") {
    const std::string job =
        "    - {id: ID, name: a, status: completed, owner: o, duration_ms: MS}\n";
    const auto jobs = [&](std::initializer_list<std::pair<int, const char*>> list) {
        std::string text = "name: x\njobs:\n  list:\n";
        for (const auto& [id, ms] : list) {
            std::string line = job;
            line.replace(line.find("ID"), 2, std::to_string(id));
            line.replace(line.find("MS"), 2, ms);
            text += line;
        }
        return text;
    };
    CHECK(error_of(jobs({{1, "9007199254740992"}})) ==
          "s.yaml:4:66: 'duration_ms' must be between 0 and 9007199254740991, got "
          "9007199254740992");
    // Two that fit alone but not together: the oracle's total would overflow what a client
    // reading numbers as doubles can hold (and, larger, the oracle's own int64).
    CHECK(error_of(jobs({{1, "4503599627370496"}, {2, "4503599627370496"}})) ==
          "s.yaml:5:66: the jobs' duration_ms add up to more than 2^53 - 1, which a JSON client "
          "cannot total exactly");
    CHECK(error_of(jobs({{1, "4503599627370496"}, {2, "4503599627370495"}})).empty());
}

TEST_CASE("a drip over a large list has a capped answer time, not an overflow",
          "[mock_api][scenario]") {
    mock_api::fault drip;
    drip.kind = mock_api::fault_kind::drip;
    drip.chunk_bytes = 1;
    drip.interval_ms = 60000;
    CHECK(mock_api::drip_ms(drip, 10) == 600000);
    CHECK(mock_api::drip_ms(drip, 100'000'000) == 1'000'000'000);
    // The largest generated dataset, dripped a byte a minute: loads (linearly) and never answers.
    auto s = parse_scenario("name: x\njobs: {count: 100000}\nfaults:\n  list: {kind: drip, "
                            "chunk_bytes: 1, interval_ms: 60000}\n",
                            "s.yaml");
    REQUIRE(s);
    CHECK(mock_api::compute_oracle(s.value()).list == mock_api::list_expectation::fails);
}
