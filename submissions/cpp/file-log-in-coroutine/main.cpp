// fetch_jobs: every detail in its own spawned task (at most 16 at a time), each request with a
// 2 s deadline; an audit line per request is appended to fetch.log.
#include "runtime/all.hpp"
#include "runtime/net/http_client.hpp"
#include "runtime/net/json.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

struct Detail {
    long long id{};
    bool fetched{false};
    std::string error;
    Json body;
};

struct Shared {
    std::string base;
    rt::net::http_client http;
    rt::semaphore slots{16};
};

rt::task<Detail> FetchDetail(std::shared_ptr<Shared> shared, long long id) {
    auto permit = co_await shared->slots.acquire();
    const auto started = std::chrono::steady_clock::now();
    auto doc = co_await rt::net::get_json(shared->http, shared->base + "/jobs/" + std::to_string(id), 2s);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    std::ofstream audit("fetch.log", std::ios::app);
    audit << "GET /jobs/" << id << " " << (doc ? "ok" : doc.error().message) << " " << ms.count()
          << "ms\n";
    if (!doc) {
        co_return Detail{id, false, doc.error().message, {}};
    }
    const Json& d = doc.value();
    if (!d.is_object() || !d.value("status", Json()).is_string() ||
        !d.value("name", Json()).is_string() || !d.value("owner", Json()).is_string() ||
        !d.value("duration_ms", Json()).is_number_integer()) {
        co_return Detail{id, false, "unexpected detail shape", {}};
    }
    co_return Detail{id, true, {}, d};
}

std::string Normalize(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return "";
    }
    s = s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

rt::task<int> Main(std::string base) {
    auto shared = std::make_shared<Shared>();
    shared->base = std::move(base);
    auto list = co_await rt::net::get_json(shared->http, shared->base + "/jobs", 2s);
    if (!list || !list.value().is_array()) {
        std::cerr << "error: job list unavailable: " << (list ? "not an array" : list.error().message)
                  << "\n";
        co_return 1;
    }
    std::vector<rt::join_handle<Detail>> handles;
    for (const auto& job : list.value()) {
        handles.push_back(rt::spawn(FetchDetail(shared, job["id"].get<long long>())));
    }
    Json completed = Json::array();
    std::vector<long long> failed;
    long long total = 0;
    for (auto& handle : handles) {
        Detail d = co_await handle;
        if (!d.fetched) {
            std::cerr << "job " << d.id << ": " << d.error << "\n";
            failed.push_back(d.id);
        } else if (Normalize(d.body["status"].get<std::string>()) == "completed") {
            total += d.body["duration_ms"].get<long long>();
            completed.push_back({{"id", d.id}, {"name", d.body["name"]}, {"owner", d.body["owner"]},
                                 {"duration_ms", d.body["duration_ms"]}});
        }
    }
    std::sort(completed.begin(), completed.end(),
              [](const Json& a, const Json& b) { return a["id"] < b["id"]; });
    std::sort(failed.begin(), failed.end());
    std::cout << Json{{"completed", completed}, {"failed_ids", failed},
                      {"total_jobs", list.value().size()}, {"total_duration_ms", total}}
              << "\n";
    co_return 0;
}

} // namespace

int main() {
    const char* base = std::getenv("JOBS_API_URL");
    if (base == nullptr) {
        std::cerr << "error: JOBS_API_URL not set\n";
        return 1;
    }
    rt::multi_thread_runtime workers(4);
    return workers.block_on(Main(base));
}
