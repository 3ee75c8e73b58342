#include "grader/evidence/fanout.hpp"

#include <algorithm>
#include <map>
#include <queue>
#include <set>

namespace grader {

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

// Every journaled request on the timeline, in ms from the run's first request.
// The run's first request: the timeline's zero.
std::int64_t timeline_origin(const mock_api::journal_snapshot& journal) {
    std::int64_t origin = 0;
    for (const auto& e : journal.entries) {
        origin = origin == 0 ? e.received_us : std::min(origin, e.received_us);
    }
    return origin;
}

void add_timeline(const mock_api::journal_snapshot& journal, fanout_evidence& ev) {
    const std::int64_t origin = timeline_origin(journal);
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
    }
}

// Which details were asked for, twice, or never; returns the cleanly answered ones, never
// rate-limited: a hang or a server-side cut ends when the client gives up, and a retried 429
// includes the Retry-After pause, so neither is a latency to judge overlap by.
std::vector<mock_api::journal_entry> count_details(const mock_api::journal_snapshot& journal,
                                                   const mock_api::scenario& scene,
                                                   fanout_evidence& ev) {
    std::map<std::int64_t, int> requested;
    std::set<std::int64_t> rate_limited;
    std::vector<mock_api::journal_entry> details;
    for (const auto& e : journal.entries) {
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
        details.push_back(e);
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
    std::erase_if(details, [&](const mock_api::journal_entry& e) {
        return e.fault != "none" || e.outcome != "answered" || rate_limited.count(*e.job_id) != 0;
    });
    return details;
}

// For every detail that finished before the last one started: the wait until the next start.
void measure_refills(const std::vector<mock_api::journal_entry>& timed, fanout_evidence& ev) {
    std::vector<std::int64_t> starts;
    std::vector<std::int64_t> ends;
    for (const auto& e : timed) {
        starts.push_back(e.received_us);
        ends.push_back(e.finished_us);
    }
    std::sort(starts.begin(), starts.end());
    std::vector<double> waits;
    for (const auto end : ends) {
        const auto next = std::lower_bound(starts.begin(), starts.end(), end);
        if (next != starts.end()) {
            waits.push_back(static_cast<double>(*next - end) / 1000.0);
        }
    }
    ev.refills = waits.size();
    if (!waits.empty()) {
        const auto middle = waits.begin() + static_cast<std::ptrdiff_t>(waits.size() / 2);
        std::nth_element(waits.begin(), middle, waits.end());
        ev.refill_median_ms = *middle;
    }
}

// Peak, window, efficiency at that peak, and the classification of the timed details.
void judge_overlap(const std::vector<mock_api::journal_entry>& timed,
                   const mock_api::scenario& scene,
                   std::int64_t origin,
                   fanout_evidence& ev) {
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
    ev.window_start_ms = static_cast<double>(first - origin) / 1000.0;
    ev.ideal_full_ms = *std::max_element(latencies.begin(), latencies.end());
    ev.ideal_at_peak_ms = pool_makespan(latencies, ev.peak_in_flight);
    ev.efficiency = ev.window_ms > 0 ? std::min(1.0, ev.ideal_at_peak_ms / ev.window_ms) : 1.0;
    measure_refills(timed, ev);
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
}

} // namespace

fanout_evidence analyse_fanout(const mock_api::journal_snapshot& journal,
                               const mock_api::scenario& scene) {
    fanout_evidence ev;
    ev.listed = scene.jobs.size();
    add_timeline(journal, ev);
    const auto timed = count_details(journal, scene, ev);
    ev.timed_details = timed.size();
    if (timed.empty()) {
        ev.classification = "none";
        return ev;
    }
    judge_overlap(timed, scene, timeline_origin(journal), ev);
    return ev;
}

} // namespace grader
