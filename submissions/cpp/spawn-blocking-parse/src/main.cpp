// job_digest: the jobs report. Requests run on the runtime (rt::join_all over one task per job,
// 2 s timeout each); JSON parsing is CPU work, so each body is parsed on the blocking pool
// (rt::spawn_blocking) rather than on a runtime worker.
#include "runtime/all.hpp"
#include "runtime/net/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

using nlohmann::json;
using namespace std::chrono_literals;

namespace digest {

struct fetched {
    long long id = 0;
    json doc;          // discarded (is_discarded()) when the body was not JSON
    std::string error; // empty on success
};

rt::task<fetched> get_parsed(std::shared_ptr<rt::net::http_client> http, std::string url,
                             long long id) {
    auto answer = co_await http->get(std::move(url), 2000ms);
    if (!answer) {
        co_return fetched{id, {}, answer.error().message};
    }
    if (answer.response().status != 200) {
        co_return fetched{id, {}, "HTTP " + std::to_string(answer.response().status)};
    }
    json doc = co_await rt::spawn_blocking([body = std::move(answer.response().body)] {
        return json::parse(body, nullptr, /*allow_exceptions=*/false);
    });
    if (doc.is_discarded()) {
        co_return fetched{id, {}, "body is not valid JSON"};
    }
    co_return fetched{id, std::move(doc), {}};
}

bool valid_detail(const json& d) {
    return d.is_object() && d.contains("status") && d["status"].is_string() &&
           d.contains("name") && d["name"].is_string() && d.contains("owner") &&
           d["owner"].is_string() && d.contains("duration_ms") &&
           d["duration_ms"].is_number_unsigned();
}

std::string canonical_status(const std::string& raw) {
    std::string s;
    for (unsigned char c : raw) {
        s.push_back(static_cast<char>(std::tolower(c)));
    }
    const auto b = s.find_first_not_of(" \t\r\n");
    const auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

rt::task<int> run(std::string base) {
    auto http = std::make_shared<rt::net::http_client>();
    fetched list = co_await get_parsed(http, base + "/jobs", 0);
    if (!list.error.empty() || !list.doc.is_array()) {
        std::cerr << "job list: " << (list.error.empty() ? "not a JSON array" : list.error) << "\n";
        co_return 1;
    }
    std::vector<rt::task<fetched>> requests;
    for (const auto& job : list.doc) {
        const long long id = job.value("id", 0LL);
        requests.push_back(get_parsed(http, base + "/jobs/" + std::to_string(id), id));
    }
    std::vector<fetched> details = co_await rt::join_all(std::move(requests));
    std::sort(details.begin(), details.end(), [](auto& a, auto& b) { return a.id < b.id; });

    json report = {{"completed", json::array()}, {"failed_ids", json::array()},
                   {"total_jobs", list.doc.size()}, {"total_duration_ms", 0}};
    unsigned long long total = 0;
    for (auto& d : details) {
        if (d.error.empty() && !valid_detail(d.doc)) {
            d.error = "unexpected detail fields";
        }
        if (!d.error.empty()) {
            std::cerr << "job " << d.id << " skipped: " << d.error << "\n";
            report["failed_ids"].push_back(d.id);
        } else if (canonical_status(d.doc["status"]) == "completed") {
            total += d.doc["duration_ms"].get<unsigned long long>();
            report["completed"].push_back({{"id", d.id}, {"name", d.doc["name"]},
                                           {"owner", d.doc["owner"]},
                                           {"duration_ms", d.doc["duration_ms"]}});
        }
    }
    report["total_duration_ms"] = total;
    std::cout << report.dump() << "\n";
    co_return 0;
}

} // namespace digest

int main() {
    const char* base = std::getenv("JOBS_API_URL");
    if (base == nullptr || *base == '\0') {
        std::cerr << "JOBS_API_URL is not set\n";
        return 1;
    }
    rt::multi_thread_runtime runtime(2);
    return runtime.block_on(digest::run(base));
}
