// Jobs report on the takehome runtime: every detail at once with rt::join_all, each request
// with a 2 s timeout, failures kept as values. Flaw (on purpose, for the grader's corpus): a
// "throttle" std::this_thread::sleep_for inside the detail coroutine blocks the worker thread
// and every task queued on it.

#include "runtime/all.hpp"
#include "runtime/net/http_client.hpp"
#include "runtime/net/json.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using nlohmann::json;

struct outcome {
    long long id = 0;
    bool ok = false;
    json detail;
    std::string error;
};

rt::task<outcome> detail_of(std::shared_ptr<rt::net::http_client> http, std::string base,
                            long long id) {
    std::this_thread::sleep_for(5ms); // throttle so the API is not flooded
    auto doc = rt::net::to_json(co_await http->get(base + "/jobs/" + std::to_string(id), 2000ms));
    if (!doc) {
        co_return outcome{id, false, {}, doc.error().message};
    }
    if (!doc.value().is_object() || !doc.value().contains("status") ||
        !doc.value()["status"].is_string()) {
        co_return outcome{id, false, {}, "malformed detail"};
    }
    co_return outcome{id, true, std::move(doc.value()), {}};
}

std::string lower_trimmed(std::string s) {
    s.erase(0, s.find_first_not_of(" \t\r\n"));
    s.erase(s.find_last_not_of(" \t\r\n") + 1);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

rt::task<int> report(std::string base) {
    auto http = std::make_shared<rt::net::http_client>();
    auto list = rt::net::to_json(co_await http->get(base + "/jobs", 2000ms));
    if (!list || !list.value().is_array()) {
        std::cerr << "cannot fetch the job list\n";
        co_return 1;
    }
    std::vector<rt::task<outcome>> pending;
    for (const auto& job : list.value()) {
        if (job.is_object() && job.contains("id") && job["id"].is_number_integer()) {
            pending.push_back(detail_of(http, base, job["id"].get<long long>()));
        }
    }
    auto results = co_await rt::join_all(std::move(pending));
    json completed = json::array();
    std::vector<long long> failed;
    long long total = 0;
    std::sort(results.begin(), results.end(), [](auto& a, auto& b) { return a.id < b.id; });
    for (auto& r : results) {
        if (!r.ok) {
            std::cerr << "job " << r.id << ": " << r.error << "\n";
            failed.push_back(r.id);
            continue;
        }
        const auto& d = r.detail;
        if (lower_trimmed(d["status"].get<std::string>()) != "completed") {
            continue;
        }
        if (!d.value("name", json()).is_string() || !d.value("owner", json()).is_string() ||
            !d.value("duration_ms", json()).is_number_integer()) {
            std::cerr << "job " << r.id << ": malformed detail\n";
            failed.push_back(r.id);
            continue;
        }
        total += d["duration_ms"].get<long long>();
        completed.push_back({{"id", r.id},
                             {"name", d["name"]},
                             {"owner", d["owner"]},
                             {"duration_ms", d["duration_ms"]}});
    }
    std::sort(failed.begin(), failed.end());
    std::cout << json{{"completed", completed},
                      {"failed_ids", failed},
                      {"total_jobs", list.value().size()},
                      {"total_duration_ms", total}}
                     .dump()
              << "\n";
    co_return 0;
}

int main() {
    const char* base = std::getenv("JOBS_API_URL");
    if (base == nullptr) {
        std::cerr << "JOBS_API_URL is not set\n";
        return 1;
    }
    rt::multi_thread_runtime runtime(2);
    return runtime.block_on(report(base));
}
