#include "mock_api/oracle.hpp"

#include "mock_api/dataset.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace mock_api {
namespace {

using nlohmann::json;

// Whether a request whose answer is due after `ms` succeeds within the contract's timeout;
// validation keeps every scenario clear of the ambiguous band around it.
bool answers_in_time(int ms) { return ms < contract_timeout_ms; }

std::string reason_for(const fault& f) {
    switch (f.kind) {
    case fault_kind::status:
        return "status " + std::to_string(f.status);
    case fault_kind::malformed:
        return "malformed JSON body";
    case fault_kind::truncated:
        return "truncated body";
    case fault_kind::empty_reply:
        return "empty reply";
    case fault_kind::reset:
        return "connection reset";
    case fault_kind::hang:
        return "no answer within 2 s";
    case fault_kind::drip:
        return "body not complete within 2 s";
    case fault_kind::rate_limit:
        return f.attempts == 0 ? "429 on every attempt"
                               : "429 for the first " + std::to_string(f.attempts) + " attempt(s)";
    }
    return "fault";
}

// 0: succeeds, 1: fails, 2: either.
int classify(const fault* f, int answer_ms) {
    if (!answers_in_time(answer_ms)) {
        return 1;
    }
    if (f == nullptr || f->kind == fault_kind::drip) {
        return 0;
    }
    if (f->kind == fault_kind::rate_limit && f->attempts > 0) {
        return 2;
    }
    return 1;
}

json job_entry(const job& j) {
    return {{"id", j.id}, {"name", j.name}, {"owner", j.owner}, {"duration_ms", j.duration_ms}};
}

std::string id_list(const std::vector<std::int64_t>& ids) {
    std::string out;
    for (const auto id : ids) {
        out += (out.empty() ? "" : ", ") + std::to_string(id);
    }
    return out;
}

std::vector<std::int64_t> ids_of(const json& array) {
    std::vector<std::int64_t> ids;
    for (const auto& v : array) {
        if (v.is_number_integer()) {
            ids.push_back(v.get<std::int64_t>());
        }
    }
    return ids;
}

} // namespace

std::string normalize_status(const std::string& status) {
    const auto first = status.find_first_not_of(" \t\r\n\f\v");
    if (first == std::string::npos) {
        return {};
    }
    const auto last = status.find_last_not_of(" \t\r\n\f\v");
    std::string out = status.substr(first, last - first + 1);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

oracle compute_oracle(const scenario& s) {
    oracle o;
    o.scenario = s.name;
    int list_ms = s.latency.list_ms;
    if (s.list_fault && s.list_fault->kind == fault_kind::drip) {
        list_ms += drip_ms(*s.list_fault, list_body(s.jobs).size());
    }
    const fault* list_fault = s.list_fault ? &*s.list_fault : nullptr;
    switch (classify(list_fault, list_ms)) {
    case 1:
        o.list = list_expectation::fails;
        o.list_failure_reason = list_fault && list_fault->kind != fault_kind::drip
                                    ? reason_for(*list_fault)
                                    : "no answer within 2 s";
        break;
    case 2:
        o.list = list_expectation::either;
        o.list_failure_reason = reason_for(*list_fault);
        break;
    default:
        break;
    }
    for (const auto& j : s.jobs) {
        const fault* f = s.detail_fault_for(j.id);
        const int ms = s.answer_ms(j);
        const int verdict = classify(f, ms);
        if (verdict == 0) {
            continue;
        }
        std::string reason;
        if (answers_in_time(ms)) {
            reason = reason_for(*f);
        } else {
            reason = f && f->kind == fault_kind::drip ? reason_for(*f) : "no answer within 2 s";
        }
        (verdict == 1 ? o.must_fail : o.may_fail).push_back({j.id, reason});
    }
    const auto by_id = [](const expected_failure& a, const expected_failure& b) {
        return a.id < b.id;
    };
    std::sort(o.must_fail.begin(), o.must_fail.end(), by_id);
    std::sort(o.may_fail.begin(), o.may_fail.end(), by_id);

    std::vector<job> sorted = s.jobs;
    std::sort(sorted.begin(), sorted.end(), [](const job& a, const job& b) { return a.id < b.id; });
    json completed = json::array();
    json failed = json::array();
    std::int64_t total = 0;
    std::set<std::int64_t> must_ids;
    for (const auto& e : o.must_fail) {
        must_ids.insert(e.id);
    }
    for (const auto& j : sorted) {
        if (must_ids.count(j.id) != 0) {
            failed.push_back(j.id);
        } else if (normalize_status(j.status) == "completed") {
            completed.push_back(job_entry(j));
            total += j.duration_ms;
        }
    }
    o.expected = {{"completed", completed},
                  {"failed_ids", failed},
                  {"total_jobs", s.jobs.size()},
                  {"total_duration_ms", total}};
    return o;
}

json oracle::report_with(const std::vector<std::int64_t>& failed_optional) const {
    json report = expected;
    std::set<std::int64_t> gone(failed_optional.begin(), failed_optional.end());
    json completed = json::array();
    std::int64_t total = 0;
    for (const auto& entry : expected["completed"]) {
        if (gone.count(entry["id"].get<std::int64_t>()) == 0) {
            completed.push_back(entry);
            total += entry["duration_ms"].get<std::int64_t>();
        }
    }
    std::vector<std::int64_t> failed = ids_of(expected["failed_ids"]);
    failed.insert(failed.end(), gone.begin(), gone.end());
    std::sort(failed.begin(), failed.end());
    report["completed"] = completed;
    report["failed_ids"] = failed;
    report["total_duration_ms"] = total;
    return report;
}

json oracle::acceptable_outcomes(std::size_t limit) const {
    json outcomes = json::array();
    if (list != list_expectation::fails) {
        if (may_fail.size() >= 63 || (std::size_t{1} << may_fail.size()) > limit) {
            return json::array();
        }
        for (std::size_t mask = 0; mask < (std::size_t{1} << may_fail.size()); ++mask) {
            std::vector<std::int64_t> chosen;
            for (std::size_t i = 0; i < may_fail.size(); ++i) {
                if (mask & (std::size_t{1} << i)) {
                    chosen.push_back(may_fail[i].id);
                }
            }
            outcomes.push_back({{"exit_code", 0}, {"stdout", report_with(chosen)}});
        }
    }
    if (list != list_expectation::succeeds) {
        outcomes.push_back({{"exit_code", 1}, {"stdout", nullptr}});
    }
    return outcomes;
}

json oracle::to_json() const {
    const auto failures = [](const std::vector<expected_failure>& list_of) {
        json out = json::array();
        for (const auto& f : list_of) {
            out.push_back({{"id", f.id}, {"reason", f.reason}});
        }
        return out;
    };
    static const std::map<list_expectation, std::string> names{
        {list_expectation::succeeds, "succeeds"},
        {list_expectation::fails, "fails"},
        {list_expectation::either, "either"}};
    json doc{{"format", "mock_api.oracle/1"},
             {"scenario", scenario},
             {"list", names.at(list)},
             {"must_fail", failures(must_fail)},
             {"may_fail", failures(may_fail)},
             {"expected", list == list_expectation::fails ? json(nullptr) : expected},
             {"acceptable", acceptable_outcomes()}};
    if (!list_failure_reason.empty()) {
        doc["list_failure_reason"] = list_failure_reason;
    }
    return doc;
}

std::vector<std::string> oracle::differences(const json& report) const {
    std::vector<std::string> diffs;
    if (!report.is_object()) {
        diffs.push_back("stdout is not a JSON object");
        return diffs;
    }
    for (const auto& [key, value] : report.items()) {
        if (!expected.contains(key)) {
            diffs.push_back("unexpected top-level field '" + key + "'");
        }
    }
    for (const char* key : {"completed", "failed_ids", "total_jobs", "total_duration_ms"}) {
        if (!report.contains(key)) {
            diffs.push_back(std::string("missing top-level field '") + key + "'");
        }
    }
    if (!diffs.empty()) {
        return diffs;
    }
    if (!report["failed_ids"].is_array() || !report["completed"].is_array()) {
        diffs.push_back("'completed' and 'failed_ids' must be arrays");
        return diffs;
    }
    // Which optional ids did the submission report as failed? That picks one acceptable output.
    // The report is the candidate's: sets keep every comparison n log n, however long it is.
    const std::vector<std::int64_t> reported_failed = ids_of(report["failed_ids"]);
    const std::set<std::int64_t> reported_set(reported_failed.begin(), reported_failed.end());
    std::vector<std::int64_t> chosen;
    for (const auto& m : may_fail) {
        if (reported_set.count(m.id) != 0) {
            chosen.push_back(m.id);
        }
    }
    const json want = report_with(chosen);

    const std::vector<std::int64_t> want_failed = ids_of(want["failed_ids"]);
    const std::set<std::int64_t> want_set(want_failed.begin(), want_failed.end());
    for (const auto id : want_failed) {
        if (reported_set.count(id) == 0) {
            diffs.push_back("failed_ids is missing id " + std::to_string(id));
        }
    }
    for (const auto id : reported_failed) {
        if (want_set.count(id) == 0) {
            diffs.push_back("failed_ids has unexpected id " + std::to_string(id));
        }
    }
    if (report["failed_ids"].size() != reported_failed.size()) {
        diffs.push_back("failed_ids holds values that are not integer ids");
    }
    if (!std::is_sorted(reported_failed.begin(), reported_failed.end())) {
        diffs.push_back("failed_ids is not sorted");
    }

    std::map<std::int64_t, json> want_completed;
    for (const auto& e : want["completed"]) {
        want_completed[e["id"].get<std::int64_t>()] = e;
    }
    std::vector<std::int64_t> got_order;
    std::set<std::int64_t> got_ids;
    for (const auto& e : report["completed"]) {
        if (!e.is_object() || !e.contains("id") || !e["id"].is_number_integer()) {
            diffs.push_back("a completed entry has no integer 'id': " + e.dump());
            continue;
        }
        const auto id = e["id"].get<std::int64_t>();
        got_order.push_back(id);
        if (!got_ids.insert(id).second) {
            diffs.push_back("completed lists job " + std::to_string(id) + " twice");
            continue;
        }
        const auto it = want_completed.find(id);
        if (it == want_completed.end()) {
            diffs.push_back("unexpected completed job " + std::to_string(id));
            continue;
        }
        for (const auto& [key, value] : e.items()) {
            if (!it->second.contains(key)) {
                diffs.push_back("job " + std::to_string(id) + " has extra field '" + key + "'");
            }
        }
        for (const auto& [key, value] : it->second.items()) {
            if (!e.contains(key)) {
                diffs.push_back("job " + std::to_string(id) + " is missing field '" + key + "'");
            } else if (e[key] != value) {
                diffs.push_back("job " + std::to_string(id) + ": '" + key + "' is " +
                                e[key].dump() + ", expected " + value.dump());
            }
        }
    }
    std::vector<std::int64_t> missing;
    for (const auto& [id, entry] : want_completed) {
        if (got_ids.count(id) == 0) {
            missing.push_back(id);
        }
    }
    if (!missing.empty()) {
        diffs.push_back("missing completed job" + std::string(missing.size() > 1 ? "s " : " ") +
                        id_list(missing));
    }
    if (!std::is_sorted(got_order.begin(), got_order.end())) {
        diffs.push_back("completed is not sorted by id");
    }
    for (const char* key : {"total_jobs", "total_duration_ms"}) {
        if (report[key] != want[key]) {
            diffs.push_back(std::string(key) + " is " + report[key].dump() + ", expected " +
                            want[key].dump());
        }
    }
    return diffs;
}

} // namespace mock_api
