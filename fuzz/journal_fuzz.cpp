// fuzz_journal: the journal reader (mock_api::journal_snapshot::from_json, which throws on a
// journal it refuses, the contract grader::gather_evidence relies on) and the grader's fan-out
// analysis over what it accepts (grader::analyse_fanout). An accepted journal must survive a
// round trip through its own JSON, and its analysis must be consistent.

#include "fuzz_support.hpp"
#include "grader/evidence/fanout.hpp"
#include "mock_api/journal.hpp"
#include "mock_api/scenario.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>

namespace {

// Ids 2, 4, 6, 7, 10, 11, 14, 16, 18, 19, 20, 23, 26, 27, 29, 31 (seed 3), with every kind
// of latency the analysis reads: a base, jitter, a per-id override and a drip.
const mock_api::scenario& scene() {
    static const mock_api::scenario s = [] {
        auto parsed = mock_api::parse_scenario(R"(
name: fuzz-journal
seed: 3
jobs: {count: 16}
latency: {list_ms: 20, detail_ms: 80, jitter_ms: 10, per_id: {7: 300}}
faults:
  detail:
    - {ids: [4], kind: drip, chunk_bytes: 64, interval_ms: 5}
    - {ids: [19], kind: rate_limit, attempts: 1}
    - {ids: [26], kind: hang}
)",
                                               "fuzz-journal.yaml");
        if (!parsed) {
            fuzz::fail("the journal target's scenario does not load", parsed.err().message);
        }
        return parsed.value();
    }();
    return s;
}

void check_fanout(const mock_api::journal_snapshot& journal) {
    const grader::fanout_evidence ev = grader::analyse_fanout(journal, scene());
    if (ev.requests.size() != journal.entries.size()) {
        fuzz::fail("the timeline does not hold every journaled request");
    }
    if (ev.timed_details > ev.detail_requests ||
        ev.peak_in_flight > static_cast<int>(ev.timed_details)) {
        fuzz::fail("more timed details or peak than detail requests");
    }
    if (!(ev.efficiency >= 0 && ev.efficiency <= 1)) {
        fuzz::fail("efficiency outside [0, 1]", std::to_string(ev.efficiency));
    }
    if (ev.missing_ids.size() > scene().jobs.size()) {
        fuzz::fail("more missing ids than listed jobs");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto doc = nlohmann::json::parse(fuzz::text_of(data, size), nullptr, false);
    if (doc.is_discarded()) {
        return 0;
    }
    mock_api::journal_snapshot journal;
    try {
        journal = mock_api::journal_snapshot::from_json(doc);
    } catch (const std::exception&) {
        return 0; // refused: gather_evidence reports "the mock's journal is unreadable"
    }
    const auto written = journal.to_json();
    const auto again = mock_api::journal_snapshot::from_json(written).to_json();
    if (written.at("entries") != again.at("entries")) {
        fuzz::fail("a journal changed through a round trip", written.dump());
    }
    check_fanout(journal);
    return 0;
}
