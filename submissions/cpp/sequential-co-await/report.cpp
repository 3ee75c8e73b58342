// jobs_report: GET /jobs, then GET /jobs/{id} for each job, then print the summary.
// Single-threaded event loop (rt::current_thread_runtime); every request has a 2 s timeout.

#include "runtime/all.hpp"
#include "runtime/net/http_client.hpp"
#include "runtime/net/json.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

using nlohmann::json;

class jobs_api {
  public:
    explicit jobs_api(std::string base) : base_(std::move(base)) {}

    /// The parsed 200 body of base + path; on failure, nullopt and `why` says what happened.
    rt::task<std::optional<json>> fetch(std::string path, std::string& why) {
        auto doc = co_await rt::net::get_json(client_, base_ + path, std::chrono::seconds(2));
        if (!doc) {
            why = doc.error().message;
            co_return std::nullopt;
        }
        co_return std::move(doc.value());
    }

  private:
    std::string base_;
    rt::net::http_client client_;
};

static bool is_completed(const json& detail) {
    if (!detail.contains("status") || !detail["status"].is_string()) {
        return false;
    }
    std::string s = detail["status"].get<std::string>();
    std::string out;
    for (char c : s) {
        if (!std::isspace(static_cast<unsigned char>(c))) {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return out == "completed";
}

static bool well_formed(const json& d) {
    return d.is_object() && d.value("id", json()).is_number_integer() &&
           d.value("name", json()).is_string() && d.value("owner", json()).is_string() &&
           d.value("duration_ms", json()).is_number_integer() &&
           d.value("status", json()).is_string();
}

rt::task<int> produce_report(jobs_api& api) {
    std::string why;
    auto list = co_await api.fetch("/jobs", why);
    if (!list || !list->is_array()) {
        std::cerr << "failed to load job list: " << (list ? "not an array" : why) << "\n";
        co_return 1;
    }
    std::map<long long, json> completed;
    std::vector<long long> failed_ids;
    for (const auto& job : *list) {
        const long long id = job.at("id").get<long long>();
        auto detail = co_await api.fetch("/jobs/" + std::to_string(id), why);
        if (!detail || !well_formed(*detail)) {
            std::cerr << "job " << id << " failed: " << (detail ? "malformed detail" : why) << "\n";
            failed_ids.push_back(id);
        } else if (is_completed(*detail)) {
            completed[id] = {{"id", id},
                             {"name", (*detail)["name"]},
                             {"owner", (*detail)["owner"]},
                             {"duration_ms", (*detail)["duration_ms"]}};
        }
    }
    json out = {{"completed", json::array()}, {"total_jobs", list->size()}};
    long long total = 0;
    for (auto& [id, job] : completed) {
        total += job["duration_ms"].get<long long>();
        out["completed"].push_back(job);
    }
    std::sort(failed_ids.begin(), failed_ids.end());
    out["failed_ids"] = failed_ids;
    out["total_duration_ms"] = total;
    std::cout << out << std::endl;
    co_return 0;
}

int main() {
    const char* base = std::getenv("JOBS_API_URL");
    if (!base) {
        std::cerr << "JOBS_API_URL must be set\n";
        return 1;
    }
    rt::current_thread_runtime loop;
    jobs_api api(base);
    return loop.block_on(produce_report(api));
}
