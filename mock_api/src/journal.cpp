#include "mock_api/journal.hpp"

#include <algorithm>
#include <chrono>

namespace mock_api {

using nlohmann::json;

std::int64_t monotonic_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

journal::journal(std::size_t max_entries) : max_entries_(max_entries) {
    data_.started_us = monotonic_us();
}

journal::ticket journal::begin(journal_entry entry) {
    std::lock_guard lock(mutex_);
    entry.seq = next_seq_++;
    if (data_.entries.size() >= max_entries_) {
        ++data_.dropped;
        return {};
    }
    data_.entries.push_back(std::move(entry));
    return {data_.entries.size() - 1, generation_};
}

void journal::finish(ticket t, int status, std::uint64_t bytes, const std::string& outcome) {
    const std::int64_t now = monotonic_us();
    std::lock_guard lock(mutex_);
    if (t.index >= data_.entries.size() || t.generation != generation_) {
        return;
    }
    auto& e = data_.entries[t.index];
    e.status = status;
    e.bytes = bytes;
    e.outcome = outcome;
    e.finished_us = now;
}

void journal::set_fault(ticket t, const std::string& fault) {
    std::lock_guard lock(mutex_);
    if (t.index < data_.entries.size() && t.generation == generation_) {
        data_.entries[t.index].fault = fault;
    }
}

void journal::reset() {
    std::lock_guard lock(mutex_);
    ++generation_;
    next_seq_ = 0;
    data_ = journal_snapshot{};
    data_.started_us = monotonic_us();
}

void journal::count_connection(bool queued, int open_now) {
    std::lock_guard lock(mutex_);
    ++data_.connections_accepted;
    data_.connections_queued += queued ? 1 : 0;
    data_.peak_open_connections = std::max(data_.peak_open_connections, open_now);
}

journal_snapshot journal::snapshot() const {
    std::lock_guard lock(mutex_);
    return data_;
}

int peak_in_flight(const std::vector<journal_entry>& entries, std::int64_t now_us) {
    // Sweep over start (+1) and end (-1) events; at equal times ends go first, so a request
    // that starts exactly when another ends does not count as overlapping it.
    std::vector<std::pair<std::int64_t, int>> events;
    events.reserve(entries.size() * 2);
    for (const auto& e : entries) {
        events.emplace_back(e.received_us, +1);
        events.emplace_back(e.finished_us != 0 ? e.finished_us : now_us, -1);
    }
    std::sort(events.begin(), events.end());
    int current = 0;
    int peak = 0;
    for (const auto& [time, delta] : events) {
        current += delta;
        peak = std::max(peak, current);
    }
    return peak;
}

json journal_snapshot::to_json() const {
    json list = json::array();
    for (const auto& e : entries) {
        list.push_back({{"seq", e.seq},
                        {"connection", e.connection},
                        {"method", e.method},
                        {"path", e.path},
                        {"endpoint", e.endpoint},
                        {"job_id", e.job_id ? json(*e.job_id) : json(nullptr)},
                        {"attempt", e.attempt},
                        {"fault", e.fault},
                        {"status", e.status},
                        {"bytes", e.bytes},
                        {"received_us", e.received_us},
                        {"finished_us", e.finished_us},
                        {"outcome", e.outcome}});
    }
    return {{"format", "mock_api.journal/1"},
            {"clock", "CLOCK_MONOTONIC"},
            {"started_us", started_us},
            {"peak_in_flight", peak_in_flight(entries, monotonic_us())},
            {"dropped", dropped},
            {"connections",
             {{"accepted", connections_accepted},
              {"queued", connections_queued},
              {"peak_open", peak_open_connections}}},
            {"entries", list}};
}

journal_snapshot journal_snapshot::from_json(const json& doc) {
    journal_snapshot s;
    s.started_us = doc.at("started_us").get<std::int64_t>();
    s.dropped = doc.at("dropped").get<std::uint64_t>();
    const auto& c = doc.at("connections");
    s.connections_accepted = c.at("accepted").get<std::uint64_t>();
    s.connections_queued = c.at("queued").get<std::uint64_t>();
    s.peak_open_connections = c.at("peak_open").get<int>();
    for (const auto& j : doc.at("entries")) {
        journal_entry e;
        e.seq = j.at("seq").get<std::uint64_t>();
        e.connection = j.at("connection").get<std::uint64_t>();
        e.method = j.at("method").get<std::string>();
        e.path = j.at("path").get<std::string>();
        e.endpoint = j.at("endpoint").get<std::string>();
        if (!j.at("job_id").is_null()) {
            e.job_id = j.at("job_id").get<std::int64_t>();
        }
        e.attempt = j.at("attempt").get<int>();
        e.fault = j.at("fault").get<std::string>();
        e.status = j.at("status").get<int>();
        e.bytes = j.at("bytes").get<std::uint64_t>();
        e.received_us = j.at("received_us").get<std::int64_t>();
        e.finished_us = j.at("finished_us").get<std::int64_t>();
        e.outcome = j.at("outcome").get<std::string>();
        s.entries.push_back(std::move(e));
    }
    return s;
}

} // namespace mock_api
