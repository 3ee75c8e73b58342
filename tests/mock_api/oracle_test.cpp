#include "mock_api/oracle.hpp"

#include <catch2/catch.hpp>

using nlohmann::json;

namespace {

mock_api::scenario load(const std::string& text) {
    auto s = mock_api::parse_scenario(text, "o.yaml");
    REQUIRE(s);
    return s.value();
}

const char* five_jobs = R"(
name: five
jobs:
  list:
    - {id: 5, name: e, status: "COMPLETED ", list_status: running, owner: eli, duration_ms: 50}
    - {id: 1, name: a, status: completed, owner: ana, duration_ms: 10}
    - {id: 3, name: c, status: " Completed", owner: chen, duration_ms: 30}
    - {id: 2, name: b, status: running, list_status: completed, owner: bo, duration_ms: 20}
    - {id: 4, name: d, status: failed, owner: dara, duration_ms: 40}
)";

} // namespace

TEST_CASE("the oracle keeps detail-completed jobs sorted by id with four fields",
          "[mock_api][oracle]") {
    const auto o = mock_api::compute_oracle(load(five_jobs));
    CHECK(o.list == mock_api::list_expectation::succeeds);
    CHECK(o.expected == json::parse(R"({
        "completed": [
          {"id": 1, "name": "a", "owner": "ana", "duration_ms": 10},
          {"id": 3, "name": "c", "owner": "chen", "duration_ms": 30},
          {"id": 5, "name": "e", "owner": "eli", "duration_ms": 50}],
        "failed_ids": [], "total_jobs": 5, "total_duration_ms": 90})"));
    CHECK(o.acceptable_outcomes().size() == 1);
}

TEST_CASE("failed details leave the output and enter failed_ids with a reason",
          "[mock_api][oracle]") {
    const auto o = mock_api::compute_oracle(load(std::string(five_jobs) + R"(
latency: {detail_ms: 10, per_id: {2: 3000}}
faults:
  detail:
    - {ids: [3], kind: status, status: 502}
    - {ids: [4], kind: hang}
)"));
    REQUIRE(o.must_fail.size() == 3);
    CHECK(o.must_fail[0].id == 2);
    CHECK(o.must_fail[0].reason == "no answer within 2 s");
    CHECK(o.must_fail[1].reason == "status 502");
    CHECK(o.must_fail[2].reason == "no answer within 2 s");
    CHECK(o.expected["failed_ids"] == json::array({2, 3, 4}));
    CHECK(o.expected["total_duration_ms"] == 60);
}

TEST_CASE("a rate-limited detail may go either way", "[mock_api][oracle]") {
    const auto o = mock_api::compute_oracle(load(std::string(five_jobs) + R"(
faults:
  detail:
    - {ids: [1], kind: rate_limit, attempts: 1, retry_after_s: 1}
)"));
    REQUIRE(o.may_fail.size() == 1);
    const auto outcomes = o.acceptable_outcomes();
    REQUIRE(outcomes.size() == 2);
    CHECK(o.differences(o.report_with({})).empty());
    CHECK(o.differences(o.report_with({1})).empty());
    const json given_up = o.report_with({1});
    CHECK(given_up["failed_ids"] == json::array({1}));
    CHECK(given_up["total_duration_ms"] == 80);
}

TEST_CASE("a failing list expects exit 1 and no report", "[mock_api][oracle]") {
    const auto o =
        mock_api::compute_oracle(load(std::string(five_jobs) + "faults:\n  list: {kind: reset}\n"));
    CHECK(o.list == mock_api::list_expectation::fails);
    CHECK(o.list_failure_reason == "connection reset");
    const auto outcomes = o.acceptable_outcomes();
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0]["exit_code"] == 1);
    CHECK(outcomes[0]["stdout"].is_null());
}

TEST_CASE("differences name each mistake in words", "[mock_api][oracle]") {
    const auto o = mock_api::compute_oracle(load(five_jobs));
    json wrong = o.expected;
    wrong["completed"].erase(0);                             // drop job 1
    wrong["completed"][0]["owner"] = "nobody";               // job 3 wrong owner
    wrong["completed"][1]["status"] = "completed";           // job 5 extra field
    std::swap(wrong["completed"][0], wrong["completed"][1]); // unsorted
    wrong["failed_ids"] = json::array({2});
    wrong["extra"] = true;
    const auto diffs = o.differences(wrong);
    CHECK(diffs == std::vector<std::string>{
                       "unexpected top-level field 'extra'",
                   });
    wrong.erase("extra");
    CHECK(o.differences(wrong) == std::vector<std::string>{
                                      "failed_ids has unexpected id 2",
                                      "job 5 has extra field 'status'",
                                      "job 3: 'owner' is \"nobody\", expected \"chen\"",
                                      "missing completed job 1",
                                      "completed is not sorted by id",
                                  });
}
