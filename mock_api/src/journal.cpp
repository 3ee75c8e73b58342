#include "mock_api/journal.hpp"

#include "detail/text.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <stdexcept>

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
    // The request line is the client's: bounded, and valid UTF-8 so that the journal can
    // always be written as JSON.
    entry.method = detail::journal_text(entry.method, max_method_bytes);
    entry.path = detail::journal_text(entry.path, max_path_bytes);
    std::lock_guard lock(mutex_);
    entry.seq = next_seq_++;
    if (data_.entries.size() >= max_entries_) {
        ++data_.dropped;
        return {};
    }
    data_.entries.push_back(std::move(entry));
    return {data_.entries.size() - 1, generation_};
}

void journal::finish(ticket t,
                     int status,
                     std::uint64_t bytes,
                     const std::string& outcome,
                     std::int64_t finished_us) {
    const std::int64_t now = finished_us != 0 ? finished_us : monotonic_us();
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

void journal::count_evicted() {
    std::lock_guard lock(mutex_);
    ++data_.connections_evicted;
}

void journal::count_refused() {
    std::lock_guard lock(mutex_);
    ++data_.connections_refused;
}

void journal::count_head_timeout() {
    std::lock_guard lock(mutex_);
    ++data_.head_timeouts;
}

void journal::count_head_too_large() {
    std::lock_guard lock(mutex_);
    ++data_.heads_too_large;
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
              {"peak_open", peak_open_connections},
              {"evicted", connections_evicted},
              {"refused", connections_refused},
              {"head_timeouts", head_timeouts},
              {"heads_too_large", heads_too_large}}},
            {"entries", list}};
}

namespace {

// Timestamps are microseconds of CLOCK_MONOTONIC: far below 2^62, so that differences between
// any two of them (what every reader computes) cannot overflow.
constexpr std::int64_t max_timestamp_us = std::int64_t{1} << 62;

[[noreturn]] void refuse(const std::string& where, const std::string& what) {
    throw std::invalid_argument("journal: " + where + ": " + what);
}

const json& member(const json& object, const char* key, const std::string& where) {
    if (!object.is_object()) {
        refuse(where, "expected an object");
    }
    const auto it = object.find(key);
    if (it == object.end()) {
        refuse(where, std::string("missing '") + key + "'");
    }
    return *it;
}

// An integer field within [min, max]. nlohmann's get<int>() on a float or an out-of-range
// number would convert with undefined behaviour; checking first keeps reading total.
std::int64_t integer(const json& object,
                     const char* key,
                     const std::string& where,
                     std::int64_t min,
                     std::int64_t max) {
    const json& v = member(object, key, where);
    const bool fits =
        v.is_number_unsigned()
            ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(max)
            : v.is_number_integer() && v.get<std::int64_t>() >= min && v.get<std::int64_t>() <= max;
    if (!fits) {
        refuse(where + "." + key,
               "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                   "], got " + v.dump(-1, ' ', false, json::error_handler_t::replace));
    }
    return v.get<std::int64_t>();
}

std::uint64_t count(const json& object, const char* key, const std::string& where) {
    return static_cast<std::uint64_t>(integer(object, key, where, 0, INT64_MAX));
}

// A counter added after the format's first version: absent in older journals.
std::uint64_t later_count(const json& object, const char* key, const std::string& where) {
    return object.contains(key) ? count(object, key, where) : 0;
}

std::string text(const json& object, const char* key, const std::string& where) {
    const json& v = member(object, key, where);
    if (!v.is_string()) {
        refuse(where + "." + key, "expected a string");
    }
    return v.get<std::string>();
}

journal_entry entry_from_json(const json& j, const std::string& where) {
    journal_entry e;
    e.seq = count(j, "seq", where);
    e.connection = count(j, "connection", where);
    e.method = text(j, "method", where);
    e.path = text(j, "path", where);
    e.endpoint = text(j, "endpoint", where);
    if (!member(j, "job_id", where).is_null()) {
        e.job_id = integer(j, "job_id", where, INT64_MIN, INT64_MAX);
    }
    e.attempt = static_cast<int>(integer(j, "attempt", where, 0, INT_MAX));
    e.fault = text(j, "fault", where);
    e.status = static_cast<int>(integer(j, "status", where, 0, 999));
    e.bytes = count(j, "bytes", where);
    e.received_us = integer(j, "received_us", where, 0, max_timestamp_us);
    e.finished_us = integer(j, "finished_us", where, 0, max_timestamp_us);
    if (e.finished_us != 0 && e.finished_us < e.received_us) {
        refuse(where, "finished_us is before received_us");
    }
    e.outcome = text(j, "outcome", where);
    return e;
}

} // namespace

journal_snapshot journal_snapshot::from_json(const json& doc) {
    journal_snapshot s;
    s.started_us = integer(doc, "started_us", "document", 0, max_timestamp_us);
    s.dropped = count(doc, "dropped", "document");
    const json& c = member(doc, "connections", "document");
    s.connections_accepted = count(c, "accepted", "connections");
    s.connections_queued = count(c, "queued", "connections");
    s.peak_open_connections = static_cast<int>(integer(c, "peak_open", "connections", 0, INT_MAX));
    s.connections_evicted = later_count(c, "evicted", "connections");
    s.connections_refused = later_count(c, "refused", "connections");
    s.head_timeouts = later_count(c, "head_timeouts", "connections");
    s.heads_too_large = later_count(c, "heads_too_large", "connections");
    const json& entries = member(doc, "entries", "document");
    if (!entries.is_array()) {
        refuse("entries", "expected an array");
    }
    s.entries.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        s.entries.push_back(entry_from_json(entries[i], "entries[" + std::to_string(i) + "]"));
    }
    return s;
}

} // namespace mock_api
