// concurrency: did the detail requests overlap, and did a bounded pool keep its slots busy?
// Judged from the mock's journal (server side).

#include "grader/model/result_json.hpp"
#include "scoring.hpp"

#include <algorithm>

namespace grader::checks {

namespace {

// Listed jobs never requested, and jobs requested twice without a 429 in between.
void request_findings(check_result& r, const fanout_evidence& f, bool timed_out) {
    if (!f.missing_ids.empty()) {
        std::string ids;
        for (std::size_t i = 0; i < f.missing_ids.size() && i < 10; ++i) {
            ids += (i ? ", " : "") + std::to_string(f.missing_ids[i]);
        }
        if (f.missing_ids.size() > 10) {
            ids += " ...";
        }
        add_finding(r,
                    "missing-request",
                    std::to_string(f.missing_ids.size()) + " listed job(s) never requested" +
                        (timed_out ? " before the deadline" : "") + ": " + ids);
    }
    for (const auto id : f.duplicate_ids) {
        add_finding(r,
                    "duplicate-request",
                    "job " + std::to_string(id) + " was requested more than once",
                    "",
                    severity::warning);
    }
}

// Too little overlap, or overlap with idle slots.
void overlap_findings(
    check_result& r, const fanout_evidence& f, double need_peak, double min_eff, bool idle) {
    if (f.peak_in_flight < need_peak) {
        add_finding(r,
                    "not-concurrent",
                    f.peak_in_flight <= 1
                        ? "detail requests never overlapped: each waited for the previous one"
                        : "at most " + std::to_string(f.peak_in_flight) +
                              " detail requests overlapped; the contract asks for at least " +
                              fixed(need_peak, 0));
    } else if (idle) {
        add_finding(r,
                    "idle-slots",
                    "requests overlapped but the fan-out left its " +
                        std::to_string(f.peak_in_flight) +
                        " slots idle much of the time (efficiency " + fixed(f.efficiency, 2) +
                        " < " + fixed(min_eff, 2) + "; a freed slot waited " +
                        fixed(f.refill_median_ms, 0) + " ms for its next request)");
    }
}

} // namespace

void evaluate_concurrency(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    const auto& f = ev.fanout;
    r.evidence = to_json(f, false);
    // Only cleanly answered details count (faulted or rate-limited ones are left out of the
    // evidence), so that is also the most that could have overlapped.
    const double need_peak =
        std::min(check.threshold.at("min_peak_in_flight"), static_cast<double>(f.timed_details));
    const double min_eff = check.threshold.at("min_efficiency");
    request_findings(r, f, ev.run.timed_out);
    if (f.classification == "none") {
        r.summary = "no answered detail requests to judge";
        score(r, check, 0);
        return;
    }
    const double peak_share =
        need_peak <= 1 ? 1.0 : std::min(1.0, (f.peak_in_flight - 1) / (need_peak - 1));
    // Low efficiency alone may be a client slow to send (a busy machine, a heavy runtime):
    // slots idled only if freed ones waited for their next request. A pool refills often (a
    // pool of k over n details, n - k times); a few stragglers sent after the first answers
    // came back do not make a pool.
    const double refill_limit =
        std::max(10.0, check.threshold.at("max_refill_share") * f.ideal_full_ms);
    const bool pooled =
        static_cast<double>(f.refills) >= std::max(3.0, static_cast<double>(f.timed_details) / 10);
    const bool idle = f.efficiency < min_eff && pooled && f.refill_median_ms > refill_limit;
    const double eff_share = idle ? std::min(1.0, f.efficiency / min_eff) : 1.0;
    overlap_findings(r, f, need_peak, min_eff, idle);
    r.summary = f.classification + ": peak " + std::to_string(f.peak_in_flight) + " in flight; " +
                std::to_string(f.detail_requests) + " details took " +
                fixed(f.window_ms / 1000, 2) + " s where " + fixed(f.ideal_full_ms / 1000, 2) +
                " s was possible (efficiency " + fixed(f.efficiency, 2) + " at that peak)";
    score(r, check, f.missing_ids.empty() ? peak_share * eff_share : 0.0);
}

} // namespace grader::checks
