#include "mock_api/dataset.hpp"
#include "raw_http.hpp"
#include "server_fixture.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <thread>

using test_support::raw_get;
using test_support::running_server;

namespace {

const char* fault_scenario = R"(
name: faults
jobs:
  list:
    - {id: 1, name: a, status: completed, owner: ana, duration_ms: 10}
    - {id: 2, name: b, status: completed, owner: bo, duration_ms: 20}
    - {id: 3, name: c, status: completed, owner: chen, duration_ms: 30}
    - {id: 4, name: d, status: completed, owner: dara, duration_ms: 40}
    - {id: 5, name: e, status: completed, owner: eli, duration_ms: 50}
    - {id: 6, name: f, status: completed, owner: fatima, duration_ms: 60}
    - {id: 7, name: g, status: completed, owner: gus, duration_ms: 70}
    - {id: 8, name: h, status: completed, owner: hana, duration_ms: 80}
    - {id: 9, name: i, status: completed, owner: ana, duration_ms: 90}
faults:
  detail:
    - {ids: [1], kind: status, status: 503}
    - {ids: [2], kind: malformed}
    - {ids: [3], kind: truncated}
    - {ids: [4], kind: empty_reply}
    - {ids: [5], kind: reset}
    - {ids: [6], kind: hang}
    - {ids: [7], kind: drip, chunk_bytes: 16, interval_ms: 20}
    - {ids: [8], kind: rate_limit, attempts: 2, retry_after_s: 3}
)";

const mock_api::journal_entry* entry_for(const mock_api::journal_snapshot& s, std::int64_t id) {
    for (const auto& e : s.entries) {
        if (e.job_id == id) {
            return &e;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("the list and an unfaulted detail answer 200 with the dataset's JSON",
          "[mock_api][server]") {
    running_server srv(fault_scenario);
    httplib::Client client(srv.address().url);
    const auto list = client.Get("/jobs");
    REQUIRE(list);
    CHECK(list->status == 200);
    CHECK(list->get_header_value("Content-Type") == "application/json");
    CHECK(nlohmann::json::parse(list->body).size() == 9);
    const auto detail = client.Get("/jobs/9");
    REQUIRE(detail);
    CHECK(detail->status == 200);
    CHECK(detail->body == mock_api::detail_body(*srv.scene().find_job(9)));
}

TEST_CASE("unknown ids and paths and other methods get JSON errors", "[mock_api][server]") {
    running_server srv(fault_scenario);
    httplib::Client client(srv.address().url);
    CHECK(client.Get("/jobs/12345")->status == 404);
    CHECK(client.Get("/jobs/abc")->status == 404);
    CHECK(client.Get("/nothing")->status == 404);
    CHECK(client.Post("/jobs", "", "text/plain")->status == 405);
}

TEST_CASE("a status fault answers its status with a JSON error body",
          "[mock_api][server][faults]") {
    running_server srv(fault_scenario);
    const auto reply = raw_get(srv.port(), "/jobs/1");
    CHECK(reply.status() == 503);
    CHECK(nlohmann::json::parse(reply.body()).contains("error"));
    const auto snap = srv.journal_when(test_support::all_finished);
    REQUIRE(entry_for(snap, 1) != nullptr);
    CHECK(entry_for(snap, 1)->fault == "status");
    CHECK(entry_for(snap, 1)->status == 503);
}

TEST_CASE("a malformed fault answers 200 with a body that is not JSON",
          "[mock_api][server][faults]") {
    running_server srv(fault_scenario);
    const auto reply = raw_get(srv.port(), "/jobs/2");
    CHECK(reply.status() == 200);
    CHECK_FALSE(reply.body().empty());
    CHECK_FALSE(nlohmann::json::accept(reply.body()));
}

TEST_CASE("a truncated fault announces the full length and closes halfway",
          "[mock_api][server][faults]") {
    running_server srv(fault_scenario);
    const auto reply = raw_get(srv.port(), "/jobs/3");
    const auto full = mock_api::detail_body(*srv.scene().find_job(3));
    CHECK(reply.status() == 200);
    CHECK(reply.header("Content-Length") == std::to_string(full.size()));
    CHECK(reply.body() == full.substr(0, full.size() / 2));
    CHECK(reply.closed);
    CHECK_FALSE(reply.reset);
    // A real client sees a failed read, not a response.
    httplib::Client client(srv.address().url);
    CHECK_FALSE(client.Get("/jobs/3"));
    const auto snap = srv.journal_when(test_support::all_finished);
    CHECK(entry_for(snap, 3)->outcome == "truncated");
}

TEST_CASE("an empty reply closes gracefully without a byte", "[mock_api][server][faults]") {
    running_server srv(fault_scenario);
    const auto reply = raw_get(srv.port(), "/jobs/4");
    CHECK(reply.bytes.empty());
    CHECK(reply.closed);
    CHECK_FALSE(reply.reset);
    CHECK_FALSE(reply.timed_out);
}

TEST_CASE("a reset fault aborts the connection with an RST", "[mock_api][server][faults]") {
    running_server srv(fault_scenario);
    const auto reply = raw_get(srv.port(), "/jobs/5");
    CHECK(reply.bytes.empty());
    CHECK(reply.reset);
    const auto snap = srv.journal_when(test_support::all_finished);
    CHECK(entry_for(snap, 5)->outcome == "reset");
    CHECK(entry_for(snap, 5)->status == 0);
}

TEST_CASE("a hang never answers and is released when the client goes away",
          "[mock_api][server][faults]") {
    running_server srv(fault_scenario);
    test_support::open_connection conn(srv.port(), "GET /jobs/6 HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto reply = conn.read_for(300);
    CHECK(reply.bytes.empty());
    CHECK(reply.timed_out);
    conn.close();
    const auto snap = srv.journal_when(test_support::all_finished);
    REQUIRE(entry_for(snap, 6) != nullptr);
    CHECK(entry_for(snap, 6)->fault == "hang");
    CHECK(entry_for(snap, 6)->outcome == "client_closed");
    CHECK(entry_for(snap, 6)->finished_us > 0);
}

TEST_CASE("a hang is released when the server stops", "[mock_api][server][faults]") {
    running_server srv(fault_scenario);
    test_support::open_connection conn(srv.port(), "GET /jobs/6 HTTP/1.1\r\nHost: x\r\n\r\n");
    srv.journal_when([](const auto& s) { return !s.entries.empty(); });
    srv.server().stop(); // must return although the request is still hanging
    const auto reply = conn.read_for(2000);
    CHECK(reply.bytes.empty());
    CHECK((reply.closed || reply.reset));
    const auto snap = srv.journal();
    REQUIRE(entry_for(snap, 6) != nullptr);
    CHECK(entry_for(snap, 6)->outcome == "server_stopped");
}

TEST_CASE("a drip sends the right body in timed chunks", "[mock_api][server][faults]") {
    running_server srv(fault_scenario);
    const auto reply = raw_get(srv.port(), "/jobs/7");
    const auto full = mock_api::detail_body(*srv.scene().find_job(7));
    CHECK(reply.status() == 200);
    CHECK(reply.body() == full);
    const auto snap = srv.journal_when(test_support::all_finished);
    const auto* e = entry_for(snap, 7);
    REQUIRE(e != nullptr);
    // Server-side evidence: one pause of 20 ms before each chunk.
    const auto chunks = static_cast<std::int64_t>((full.size() + 15) / 16);
    CHECK(e->finished_us - e->received_us >= chunks * 20 * 1000);
    CHECK(e->fault == "drip");
}

TEST_CASE("a rate limit answers 429 with Retry-After for the first attempts only",
          "[mock_api][server][faults]") {
    running_server srv(fault_scenario);
    httplib::Client client(srv.address().url);
    client.set_keep_alive(true);
    const auto first = client.Get("/jobs/8");
    const auto second = client.Get("/jobs/8");
    const auto third = client.Get("/jobs/8");
    REQUIRE((first && second && third));
    CHECK(first->status == 429);
    CHECK(first->get_header_value("Retry-After") == "3");
    CHECK(second->status == 429);
    CHECK(third->status == 200);
    const auto snap = srv.journal_when(test_support::all_finished);
    REQUIRE(snap.entries.size() == 3);
    CHECK(snap.entries[0].attempt == 1);
    CHECK(snap.entries[2].attempt == 3);
    CHECK(snap.entries[0].fault == "rate_limit");
    CHECK(snap.entries[2].fault == "none");
    // Keep-alive: one connection served all three.
    CHECK(snap.entries[0].connection == snap.entries[2].connection);
}

TEST_CASE("a list fault applies to the list only", "[mock_api][server][faults]") {
    running_server srv("name: l\njobs: {count: 3}\nfaults:\n  list: {kind: status, status: 500}\n");
    httplib::Client client(srv.address().url);
    CHECK(client.Get("/jobs")->status == 500);
    CHECK(client.Get("/jobs/" + std::to_string(srv.scene().jobs[0].id))->status == 200);
}

// The first two requests are held for 1 s, far longer than the four client threads can skew
// in starting, so the other two always find both slots taken.
TEST_CASE("past max_in_flight the server answers the configured status at once",
          "[mock_api][server]") {
    running_server srv("name: m\njobs: {count: 4}\nlatency: {detail_ms: 1000}\n"
                       "limits: {max_in_flight: 2, over_limit_status: 429}\n");
    std::vector<int> statuses(4);
    std::vector<std::thread> clients;
    for (std::size_t i = 0; i < 4; ++i) {
        clients.emplace_back([&, i] {
            const auto r = raw_get(srv.port(), "/jobs/" + std::to_string(srv.scene().jobs[i].id));
            statuses[i] = r.status();
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    CHECK(std::count(statuses.begin(), statuses.end(), 200) == 2);
    CHECK(std::count(statuses.begin(), statuses.end(), 429) == 2);
    const auto snap = srv.journal();
    CHECK(std::count_if(snap.entries.begin(), snap.entries.end(), [](const auto& e) {
              return e.fault == "over_limit";
          }) == 2);
}

TEST_CASE("malformed HTTP gets a 400 and the server keeps serving", "[mock_api][server]") {
    running_server srv(fault_scenario);
    const auto bad = test_support::raw_exchange(srv.port(), "NOT HTTP AT ALL\r\n\r\n", 2000);
    CHECK(bad.status() == 400);
    const auto good = raw_get(srv.port(), "/jobs");
    CHECK(good.status() == 200);
    const auto snap = srv.journal_when(test_support::all_finished);
    REQUIRE(snap.entries.size() == 2);
    CHECK(snap.entries[0].endpoint == "bad_request");
    CHECK(snap.entries[0].status == 400);
    CHECK(snap.entries[0].connection != snap.entries[1].connection); // the bad one was closed
}

TEST_CASE("a request path that is not UTF-8 is journaled and the journal still writes",
          "[mock_api][server][journal]") {
    running_server srv(fault_scenario);
    // httplib decodes %ff into the byte 0xff; written as JSON it used to throw, and the mock
    // exited 1 instead of writing its journal: a void run (found by fuzz_mock_http).
    CHECK(raw_get(srv.port(), "/jobs/%ff%fe").status() == 404);
    const auto snap = srv.journal_when(test_support::all_finished);
    REQUIRE(snap.entries.size() == 1);
    CHECK(snap.entries[0].path == "/jobs/\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK_NOTHROW(snap.to_json().dump());
}

TEST_CASE("journal timestamps fall inside the client's own measurement",
          "[mock_api][server][journal]") {
    running_server srv("name: t\njobs: {count: 3}\nlatency: {detail_ms: 100}\n");
    const auto id = srv.scene().jobs[0].id;
    const auto reply = raw_get(srv.port(), "/jobs/" + std::to_string(id));
    REQUIRE(reply.status() == 200);
    const auto snap = srv.journal_when(test_support::all_finished);
    REQUIRE(snap.entries.size() == 1);
    const auto& e = snap.entries[0];
    // Same clock (CLOCK_MONOTONIC): the server's interval nests inside the client's.
    CHECK(e.received_us >= reply.sent_us);
    CHECK(e.finished_us <= reply.done_us);
    CHECK(e.finished_us > e.received_us);
    const auto server_us = e.finished_us - e.received_us;
    const auto client_us = reply.done_us - reply.sent_us;
    CHECK(server_us >= 100 * 1000); // the configured latency
    CHECK(static_cast<double>(server_us) / static_cast<double>(client_us) > 0.5);
    CHECK(e.bytes > 0);
    CHECK(e.connection > 0);
}

TEST_CASE("the admin endpoints read and reset the journal and can be turned off",
          "[mock_api][server][admin]") {
    running_server srv(fault_scenario);
    httplib::Client client(srv.address().url);
    client.Get("/jobs");
    client.Get("/jobs/8"); // a rate-limited first attempt
    const auto journal = client.Get("/__admin/journal");
    REQUIRE(journal);
    const auto doc = nlohmann::json::parse(journal->body);
    CHECK(doc["format"] == "mock_api.journal/1");
    CHECK(doc["entries"].size() == 2); // admin requests are not journaled
    CHECK(client.Post("/__admin/reset", "", "text/plain")->status == 200);
    CHECK(srv.journal().entries.empty());
    CHECK(client.Get("/jobs/8")->status == 429); // attempts were reset too

    mock_api::server_options no_admin;
    no_admin.admin = false;
    running_server quiet(fault_scenario, no_admin);
    httplib::Client other(quiet.address().url);
    CHECK(other.Get("/__admin/journal")->status == 404);
    CHECK(quiet.journal().entries.size() == 1);
}

TEST_CASE("a second server on the same port fails with a located message", "[mock_api][server]") {
    running_server first(fault_scenario);
    mock_api::server_options same;
    same.port = first.port();
    auto s = mock_api::parse_scenario(fault_scenario, "x.yaml");
    REQUIRE(s);
    mock_api::server second(s.value(), same);
    const auto bound = second.start();
    REQUIRE_FALSE(bound);
    CHECK(bound.err().code == common::errc::io);
    CHECK(bound.err().message.rfind(
              "cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": ", 0) == 0);
}

TEST_CASE("a pathological Range header does not bring the server down", "[mock_api][server]") {
    running_server srv(fault_scenario);
    std::string ranges = "bytes=0-1";
    for (int i = 0; i < 2000; ++i) { // about 8 KiB, httplib's limit for one header line
        ranges += ",0-1";
    }
    test_support::raw_exchange(
        srv.port(), "GET /jobs HTTP/1.1\r\nHost: x\r\nRange: " + ranges + "\r\n\r\n", 5000);
    CHECK(raw_get(srv.port(), "/jobs").status() == 200);
}
