#include "mock_api/journal.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <stdexcept>

using mock_api::journal_entry;

namespace {
journal_entry interval(std::int64_t from, std::int64_t to) {
    journal_entry e;
    e.received_us = from;
    e.finished_us = to;
    return e;
}
} // namespace

TEST_CASE("peak in flight counts overlapping intervals but not touching ones",
          "[mock_api][journal]") {
    CHECK(mock_api::peak_in_flight({}, 0) == 0);
    CHECK(mock_api::peak_in_flight({interval(0, 10), interval(10, 20), interval(20, 30)}, 0) == 1);
    CHECK(mock_api::peak_in_flight(
              {interval(0, 10), interval(5, 20), interval(6, 7), interval(15, 30)}, 0) == 3);
    // An open entry counts until "now".
    CHECK(mock_api::peak_in_flight({interval(0, 0), interval(50, 60)}, 100) == 2);
    CHECK(mock_api::peak_in_flight({interval(0, 0), interval(50, 60)}, 40) == 1);
}

TEST_CASE("a full journal counts what it drops", "[mock_api][journal]") {
    mock_api::journal log(2);
    const auto a = log.begin(interval(1, 0));
    log.begin(interval(2, 0));
    const auto dropped = log.begin(interval(3, 0));
    log.finish(a, 200, 10, "answered");
    log.finish(dropped, 200, 10, "answered"); // harmless
    const auto snap = log.snapshot();
    REQUIRE(snap.entries.size() == 2);
    CHECK(snap.dropped == 1);
    CHECK(snap.entries[0].status == 200);
    CHECK(snap.entries[0].finished_us > 0);
    CHECK(snap.entries[1].seq == 1);
}

TEST_CASE("a reset journal ignores requests that began before it", "[mock_api][journal]") {
    mock_api::journal log(10);
    const auto before = log.begin(interval(1, 0));
    log.reset();
    const auto after = log.begin(interval(2, 0));
    log.finish(before, 200, 1, "answered");
    log.finish(after, 404, 2, "answered");
    const auto snap = log.snapshot();
    REQUIRE(snap.entries.size() == 1);
    CHECK(snap.entries[0].status == 404);
    CHECK(snap.entries[0].seq == 0);
}

TEST_CASE("the journal survives a round trip through its JSON format", "[mock_api][journal]") {
    mock_api::journal log(10);
    journal_entry e = interval(100, 0);
    e.method = "GET";
    e.path = "/jobs/7";
    e.endpoint = "detail";
    e.job_id = 7;
    e.attempt = 2;
    e.fault = "reset";
    const auto t = log.begin(e);
    log.finish(t, 0, 0, "reset");
    log.count_connection(true, 3);
    const auto snap = log.snapshot();
    const auto doc = snap.to_json();
    CHECK(doc["format"] == "mock_api.journal/1");
    const auto back = mock_api::journal_snapshot::from_json(doc);
    REQUIRE(back.entries.size() == 1);
    CHECK(back.entries[0].job_id == 7);
    CHECK(back.entries[0].fault == "reset");
    CHECK(back.entries[0].outcome == "reset");
    CHECK(back.entries[0].finished_us == snap.entries[0].finished_us);
    CHECK(back.connections_queued == 1);
    CHECK(back.peak_open_connections == 3);
}

TEST_CASE("the journal reader names the field it refuses", "[mock_api][journal]") {
    mock_api::journal log(10);
    journal_entry e = interval(100, 0);
    e.method = "GET";
    e.path = "/jobs";
    e.endpoint = "list";
    log.finish(log.begin(e), 200, 10, "answered");
    const auto good = log.snapshot().to_json();
    REQUIRE_NOTHROW(mock_api::journal_snapshot::from_json(good));
    const auto refused = [&](const std::function<void(nlohmann::json&)>& edit) {
        auto doc = good;
        edit(doc);
        try {
            mock_api::journal_snapshot::from_json(doc);
        } catch (const std::invalid_argument& ex) {
            return std::string(ex.what());
        }
        return std::string("accepted");
    };
    // A float out of int's range was converted with undefined behaviour before (fuzz_journal).
    CHECK(refused([](auto& d) { d["entries"][0]["attempt"] = 1.7e22; }) ==
          "journal: entries[0].attempt: expected an integer in [0, 2147483647], got 1.7e+22");
    CHECK(refused([](auto& d) { d["entries"][0]["status"] = -1; }) ==
          "journal: entries[0].status: expected an integer in [0, 999], got -1");
    CHECK(refused([](auto& d) { d["entries"][0]["finished_us"] = 1; }) ==
          "journal: entries[0]: finished_us is before received_us");
    CHECK(refused([](auto& d) {
              d["entries"][0]["received_us"] = -5;
          }).rfind("journal: entries[0].received_us: expected an integer in [0, ", 0) == 0);
    CHECK(refused([](auto& d) { d["entries"][0].erase("path"); }) ==
          "journal: entries[0]: missing 'path'");
    CHECK(refused([](auto& d) { d["entries"][0]["path"] = 7; }) ==
          "journal: entries[0].path: expected a string");
    CHECK(refused([](auto& d) { d.erase("connections"); }) ==
          "journal: document: missing 'connections'");
    CHECK(refused([](auto& d) { d["entries"] = nlohmann::json::object(); }) ==
          "journal: entries: expected an array");
    CHECK(refused([](auto& d) { d = nlohmann::json::array(); }) ==
          "journal: document: expected an object");
}

TEST_CASE("the journal keeps a bounded method and path in valid UTF-8", "[mock_api][journal]") {
    mock_api::journal log(10);
    journal_entry e = interval(1, 0);
    e.method = std::string(100, 'X');
    e.path = "/jobs/\xff\xfe" + std::string(2000, 'a');
    log.begin(e);
    const auto snap = log.snapshot();
    REQUIRE(snap.entries.size() == 1);
    CHECK(snap.entries[0].method == std::string(mock_api::max_method_bytes, 'X') + "...");
    const std::string& path = snap.entries[0].path;
    CHECK(path.rfind("/jobs/\xEF\xBF\xBD\xEF\xBF\xBD"
                     "aaa",
                     0) == 0); // U+FFFD twice
    CHECK(path.size() <= mock_api::max_path_bytes + 3);
    CHECK(path.substr(path.size() - 3) == "...");
    CHECK_NOTHROW(snap.to_json().dump());
}
