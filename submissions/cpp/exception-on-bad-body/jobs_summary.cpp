// jobs_summary - fetch /jobs, then all /jobs/{id} concurrently (spawned tasks), and print the
// completed ones. Transport and HTTP failures are thrown as fetch_error and turned into
// failed_ids; a failed list ends the program with exit code 1.
#include "runtime/all.hpp"
#include "runtime/net/http_client.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

using json = nlohmann::json;

struct fetch_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct job_result {
    long id;
    bool failed;
    std::string reason;
    json detail;
};

static rt::task<json> get_json(std::shared_ptr<rt::net::http_client> client, std::string url) {
    auto res = co_await client->get(url, std::chrono::milliseconds(2000));
    if (!res) {
        throw fetch_error(res.error().message);
    }
    if (res.response().status != 200) {
        throw fetch_error("status " + std::to_string(res.response().status));
    }
    co_return json::parse(res.response().body);
}

static rt::task<job_result> load_job(std::shared_ptr<rt::net::http_client> client,
                                     std::string base, long id) {
    try {
        json detail = co_await get_json(client, base + "/jobs/" + std::to_string(id));
        co_return job_result{id, false, "", std::move(detail)};
    } catch (const fetch_error& e) {
        co_return job_result{id, true, e.what(), nullptr};
    }
}

static std::string norm(std::string s) {
    auto b = s.find_first_not_of(" \t\n\r");
    auto e = s.find_last_not_of(" \t\n\r");
    s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    return s;
}

static rt::task<json> summarize(std::string base) {
    auto client = std::make_shared<rt::net::http_client>();
    json jobs = co_await get_json(client, base + "/jobs");
    std::vector<rt::join_handle<job_result>> running;
    for (auto& j : jobs) {
        running.push_back(rt::spawn(load_job(client, base, j["id"].get<long>())));
    }
    json completed = json::array();
    std::vector<long> failed;
    long total = 0;
    for (auto& h : running) {
        job_result r = co_await h;
        if (r.failed) {
            std::cerr << "job " << r.id << " failed: " << r.reason << "\n";
            failed.push_back(r.id);
        } else if (norm(r.detail["status"].get<std::string>()) == "completed") {
            total += r.detail["duration_ms"].get<long>();
            completed.push_back({{"id", r.id}, {"name", r.detail["name"]},
                                 {"owner", r.detail["owner"]},
                                 {"duration_ms", r.detail["duration_ms"]}});
        }
    }
    std::sort(completed.begin(), completed.end(),
              [](const json& a, const json& b) { return a["id"].get<long>() < b["id"].get<long>(); });
    std::sort(failed.begin(), failed.end());
    co_return json{{"completed", completed}, {"failed_ids", failed}, {"total_jobs", jobs.size()},
                   {"total_duration_ms", total}};
}

int main() {
    const char* base = std::getenv("JOBS_API_URL");
    if (!base) {
        std::cerr << "set JOBS_API_URL\n";
        return 1;
    }
    rt::multi_thread_runtime runtime(3);
    try {
        std::cout << runtime.block_on(summarize(base)).dump() << "\n";
    } catch (const fetch_error& e) {
        std::cerr << "could not get the job list: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
