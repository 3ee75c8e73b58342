// Reference solution of the jobs take-home in C++ (contract: shared/spec/jobs-takehome.md), on
// the takehome runtime: fetch the list, fetch every detail concurrently (at most
// max_in_flight at once), keep the jobs whose detail status is completed, report.
//
// What it shows:
//  - every request has a timeout, and every failure is a value (fetch_result) that ends up in
//    failed_ids (a detail) or in a clean exit 1 (the list); nothing the API sends can throw
//    past main or abort;
//  - each detail is a spawned task that owns what it uses (the client by shared_ptr, the URL
//    and the id by value), so nothing dangles while it is parked;
//  - waiting is always awaited (rt::sleep_for for Retry-After), never a thread sleep.

#include "runtime/all.hpp"
#include "runtime/net/http_client.hpp"
#include "runtime/net/json.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

constexpr auto request_timeout = 2000ms;
constexpr std::size_t max_in_flight = 64;
/// A 429 is retried once when the server asks for a pause no longer than this.
constexpr auto max_retry_after = 1s;

struct job_detail {
    std::int64_t id = 0;
    std::string name;
    std::string owner;
    std::string status;
    std::int64_t duration_ms = 0;
};

/// Why something could not be had.
struct failure {
    std::string reason;
};

/// A value or a failure: how every failure travels here.
template <class T>
using fetch_result = std::variant<T, failure>;

template <class T>
bool failed(const fetch_result<T>& r) {
    return r.index() == 1;
}

/// GETs `url` and parses a 200 answer as JSON (rt::net::to_json: failures are values). A 429
/// with a short Retry-After is retried once after an awaited pause.
rt::task<fetch_result<json>> get_document(std::shared_ptr<rt::net::http_client> client,
                                          std::string url) {
    auto answer = co_await client->get(url, request_timeout);
    if (answer && answer.response().status == 429) {
        const auto pause = answer.response().header("Retry-After");
        const long seconds = pause ? std::strtol(pause->c_str(), nullptr, 10) : -1;
        if (seconds >= 0 && std::chrono::seconds(seconds) <= max_retry_after) {
            co_await rt::sleep_for(std::chrono::seconds(seconds));
            answer = co_await client->get(url, request_timeout);
        }
    }
    auto doc = rt::net::to_json(answer);
    if (!doc) {
        co_return failure{doc.error().message};
    }
    co_return std::move(doc.value());
}

std::string normalized(std::string s) {
    const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return s;
}

/// The detail document, checked field by field (no exception escapes for a bad body).
fetch_result<job_detail> parse_detail(const json& doc, std::int64_t id) {
    if (!doc.is_object()) {
        return failure{"the detail is not a JSON object"};
    }
    const auto field = [&](const char* key) -> const json* {
        const auto it = doc.find(key);
        return it == doc.end() ? nullptr : &*it;
    };
    const json* got_id = field("id");
    const json* name = field("name");
    const json* owner = field("owner");
    const json* status = field("status");
    const json* duration = field("duration_ms");
    if (got_id == nullptr || !got_id->is_number_integer() || name == nullptr ||
        !name->is_string() || owner == nullptr || !owner->is_string() || status == nullptr ||
        !status->is_string() || duration == nullptr || !duration->is_number_integer() ||
        duration->get<std::int64_t>() < 0) {
        return failure{"a field is missing or has the wrong type"};
    }
    if (got_id->get<std::int64_t>() != id) {
        return failure{"answered for id " + std::to_string(got_id->get<std::int64_t>()) +
                       " instead"};
    }
    return job_detail{id,
                      name->get<std::string>(),
                      owner->get<std::string>(),
                      normalized(status->get<std::string>()),
                      duration->get<std::int64_t>()};
}

/// One detail, holding a permit of the shared semaphore while its request is in flight.
rt::task<fetch_result<job_detail>> fetch_detail(std::shared_ptr<rt::net::http_client> client,
                                                std::shared_ptr<rt::semaphore> limit,
                                                std::string base,
                                                std::int64_t id) {
    auto permit = co_await limit->acquire();
    auto doc = co_await get_document(std::move(client), base + "/jobs/" + std::to_string(id));
    if (failed(doc)) {
        co_return std::get<1>(std::move(doc));
    }
    co_return parse_detail(std::get<0>(doc), id);
}

fetch_result<std::vector<std::int64_t>> parse_list(const json& doc) {
    if (!doc.is_array()) {
        return failure{"the job list is not a JSON array"};
    }
    std::vector<std::int64_t> ids;
    for (const auto& job : doc) {
        const auto id = job.is_object() ? job.find("id") : job.end();
        if (!job.is_object() || id == job.end() || !id->is_number_integer()) {
            return failure{"a listed job has no integer id"};
        }
        ids.push_back(id->get<std::int64_t>());
    }
    return ids;
}

/// The whole program: the report, or why the list could not be had.
rt::task<fetch_result<json>> run(std::string base) {
    auto client = std::make_shared<rt::net::http_client>();
    auto list_doc = co_await get_document(client, base + "/jobs");
    if (failed(list_doc)) {
        co_return failure{"cannot fetch the job list: " + std::get<1>(list_doc).reason};
    }
    auto listed = parse_list(std::get<0>(list_doc));
    if (failed(listed)) {
        co_return failure{"cannot fetch the job list: " + std::get<1>(listed).reason};
    }
    const auto& ids = std::get<0>(listed);

    // Start every detail now (spawned tasks run concurrently on the workers); the semaphore
    // keeps at most max_in_flight requests open. Then collect them in list order.
    auto limit = std::make_shared<rt::semaphore>(max_in_flight);
    std::vector<rt::join_handle<fetch_result<job_detail>>> details;
    details.reserve(ids.size());
    for (const auto id : ids) {
        details.push_back(
            rt::spawn(fetch_detail(client, limit, base, id), "detail " + std::to_string(id)));
    }
    std::vector<job_detail> completed;
    std::vector<std::int64_t> failed_ids;
    for (std::size_t i = 0; i < details.size(); ++i) {
        auto detail = co_await details[i];
        if (failed(detail)) {
            std::cerr << "job " << ids[i] << ": " << std::get<1>(detail).reason << "\n";
            failed_ids.push_back(ids[i]);
        } else if (std::get<0>(detail).status == "completed") {
            completed.push_back(std::get<0>(std::move(detail)));
        }
    }
    std::sort(completed.begin(), completed.end(), [](const auto& a, const auto& b) {
        return a.id < b.id;
    });
    std::sort(failed_ids.begin(), failed_ids.end());
    json report{{"completed", json::array()},
                {"failed_ids", failed_ids},
                {"total_jobs", ids.size()},
                {"total_duration_ms", 0}};
    std::int64_t total = 0;
    for (const auto& job : completed) {
        report["completed"].push_back({{"id", job.id},
                                       {"name", job.name},
                                       {"owner", job.owner},
                                       {"duration_ms", job.duration_ms}});
        total += job.duration_ms;
    }
    report["total_duration_ms"] = total;
    co_return report;
}

} // namespace

int main() {
    const char* url = std::getenv("JOBS_API_URL");
    if (url == nullptr || *url == '\0') {
        std::cerr << "error: JOBS_API_URL is not set\n";
        return 1;
    }
    std::string base = url;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    try {
        rt::multi_thread_runtime runtime(2);
        auto outcome = runtime.block_on(run(base));
        if (failed(outcome)) {
            std::cerr << "error: " << std::get<1>(outcome).reason << "\n";
            return 1;
        }
        std::cout << std::get<0>(outcome).dump() << "\n";
        return 0;
    } catch (const std::exception& e) { // the runtime itself failed (threads, epoll)
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
