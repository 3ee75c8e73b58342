#include "grader/evidence.hpp"

#include <algorithm>
#include <csignal>
#include <map>
#include <queue>
#include <regex>
#include <set>

namespace grader {

using nlohmann::json;

json fanout_evidence::to_json(bool with_requests) const {
    json j{{"listed", listed},
           {"detail_requests", detail_requests},
           {"missing_ids", missing_ids},
           {"duplicate_ids", duplicate_ids},
           {"unknown_ids", unknown_ids},
           {"peak_in_flight", peak_in_flight},
           {"window_ms", window_ms},
           {"ideal_full_ms", ideal_full_ms},
           {"ideal_at_peak_ms", ideal_at_peak_ms},
           {"efficiency", efficiency},
           {"classification", classification}};
    if (with_requests) {
        json list = json::array();
        for (const auto& r : requests) {
            list.push_back({{"endpoint", r.endpoint},
                            {"job_id", r.job_id ? json(*r.job_id) : json(nullptr)},
                            {"attempt", r.attempt},
                            {"start_ms", r.start_ms},
                            {"end_ms", r.end_ms},
                            {"status", r.status},
                            {"fault", r.fault},
                            {"outcome", r.outcome}});
        }
        j["requests"] = list;
    }
    return j;
}

namespace {

// Makespan of running `latencies` (in list order) on `slots` workers that each take the next
// job as soon as they are free: what a bounded pool of that size achieves at best.
double pool_makespan(const std::vector<double>& latencies, int slots) {
    if (latencies.empty() || slots <= 0) {
        return 0;
    }
    std::priority_queue<double, std::vector<double>, std::greater<>> free_at;
    for (int i = 0; i < slots; ++i) {
        free_at.push(0);
    }
    double end = 0;
    for (const double l : latencies) {
        const double start = free_at.top();
        free_at.pop();
        free_at.push(start + l);
        end = std::max(end, start + l);
    }
    return end;
}

} // namespace

fanout_evidence analyse_fanout(const mock_api::journal_snapshot& journal,
                               const mock_api::scenario& scene) {
    fanout_evidence ev;
    ev.listed = scene.jobs.size();
    std::int64_t origin = 0;
    for (const auto& e : journal.entries) {
        origin = origin == 0 ? e.received_us : std::min(origin, e.received_us);
    }
    std::map<std::int64_t, int> requested;
    std::set<std::int64_t> rate_limited;
    std::vector<mock_api::journal_entry> timed; // details that count for the window
    for (const auto& e : journal.entries) {
        const std::int64_t end = e.finished_us != 0 ? e.finished_us : e.received_us;
        ev.requests.push_back({e.endpoint,
                               e.job_id,
                               e.attempt,
                               static_cast<double>(e.received_us - origin) / 1000.0,
                               static_cast<double>(end - origin) / 1000.0,
                               e.status,
                               e.fault,
                               e.outcome});
        if (e.endpoint != "detail" || !e.job_id) {
            continue;
        }
        ++ev.detail_requests;
        if (requested[*e.job_id]++ > 0 && rate_limited.count(*e.job_id) == 0) {
            ev.duplicate_ids.push_back(*e.job_id);
        }
        if (e.status == 429) {
            rate_limited.insert(*e.job_id);
        }
        if (scene.find_job(*e.job_id) == nullptr) {
            ev.unknown_ids.push_back(*e.job_id);
        }
        // A hang or a server-side cut ends when the client gives up: not a latency to judge.
        if (e.fault == "none" && e.outcome == "answered") {
            timed.push_back(e);
        }
    }
    std::sort(ev.duplicate_ids.begin(), ev.duplicate_ids.end());
    ev.duplicate_ids.erase(std::unique(ev.duplicate_ids.begin(), ev.duplicate_ids.end()),
                           ev.duplicate_ids.end());
    for (const auto& j : scene.jobs) {
        if (requested.count(j.id) == 0) {
            ev.missing_ids.push_back(j.id);
        }
    }
    std::sort(ev.missing_ids.begin(), ev.missing_ids.end());
    if (timed.empty()) {
        ev.classification = "none";
        return ev;
    }
    ev.peak_in_flight = mock_api::peak_in_flight(timed, 0);
    std::int64_t first = timed.front().received_us;
    std::int64_t last = timed.front().finished_us;
    std::vector<double> latencies;
    for (const auto& e : timed) {
        first = std::min(first, e.received_us);
        last = std::max(last, e.finished_us);
        latencies.push_back(scene.detail_answer_ms(*e.job_id));
    }
    ev.window_ms = static_cast<double>(last - first) / 1000.0;
    ev.ideal_full_ms = *std::max_element(latencies.begin(), latencies.end());
    ev.ideal_at_peak_ms = pool_makespan(latencies, ev.peak_in_flight);
    ev.efficiency = ev.window_ms > 0 ? std::min(1.0, ev.ideal_at_peak_ms / ev.window_ms) : 1.0;
    const auto n = static_cast<int>(timed.size());
    if (n == 1) {
        ev.classification = "none";
    } else if (ev.peak_in_flight <= 1) {
        ev.classification = "sequential";
    } else if (ev.peak_in_flight >= n) {
        ev.classification = "full";
    } else {
        ev.classification = "bounded(" + std::to_string(ev.peak_in_flight) + ")";
    }
    return ev;
}

std::vector<finding> analyse_crash(const sandbox_outcome& run) {
    std::vector<finding> found;
    const std::string& err = run.stderr_text;
    // rustc >= 1.73: "thread 'NAME' panicked at FILE:L:C:\nMSG" (1.95 adds " (TID)" after the
    // name); older: "thread 'NAME' panicked at 'MSG', FILE:L:C".
    static const std::regex panic_re(
        R"(thread '([^']*)'(?: \(\d+\))? panicked at (?:'([^\n]*)', )?([^\n:]+):(\d+):(\d+):?[^\n]*(?:\n([^\n]*))?)");
    for (auto it = std::sregex_iterator(err.begin(), err.end(), panic_re);
         it != std::sregex_iterator();
         ++it) {
        const auto& m = *it;
        const std::string message = m[2].matched ? m[2].str() : m[6].str();
        const bool unwrap = message.find("called `Result::unwrap()`") != std::string::npos ||
                            message.find("called `Option::unwrap()`") != std::string::npos;
        finding f;
        f.id = unwrap ? "unwrap-panic" : "rust-panic";
        f.file = m[3].str();
        f.line = std::stoi(m[4].str());
        f.column = std::stoi(m[5].str());
        f.message =
            "thread '" + m[1].str() + "' panicked" + (message.empty() ? "" : ": " + message);
        found.push_back(std::move(f));
    }
    static const std::regex terminate_re(
        R"(terminate called after throwing an instance of '([^']*)'(?:\n\s*what\(\):\s*([^\n]*))?)");
    std::smatch m;
    if (std::regex_search(err, m, terminate_re)) {
        found.push_back(
            {"uncaught-exception",
             severity::error,
             "",
             0,
             0,
             "uncaught C++ exception " + m[1].str() + (m[2].matched ? ": " + m[2].str() : ""),
             ""});
    }
    if (run.signal && !run.timed_out) {
        found.push_back({"fatal-signal",
                         severity::error,
                         "",
                         0,
                         0,
                         "the program was killed by " + signal_name(*run.signal) +
                             (*run.signal == SIGABRT ? " (abort)" : ""),
                         ""});
    }
    return found;
}

parsed_stdout parse_report(const std::string& stdout_text) {
    parsed_stdout out;
    try {
        out.report = json::parse(stdout_text);
    } catch (const json::parse_error& e) {
        out.error = e.what();
    }
    return out;
}

} // namespace grader
