#include "mock_api/dataset.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

namespace mock_api {
namespace {

using ordered = nlohmann::ordered_json;

constexpr std::array verbs{
    "build", "test", "deploy", "lint", "package", "migrate", "backup", "index", "render", "sync"};
constexpr std::array nouns{
    "frontend", "api", "docs", "db", "cache", "images", "search", "billing", "auth", "reports"};
constexpr std::array owners{"ana", "bo", "chen", "dara", "eli", "fatima", "gus", "hana"};
constexpr std::array other_statuses{"running", "failed", "queued"};

// Seeded choices are keyed by (job position, purpose) so that adding a purpose later does not
// reshuffle the existing ones.
enum class purpose : std::uint64_t {
    gap,
    status,
    other,
    casing,
    stale,
    owner,
    duration,
    name,
    minute,
    extra,
    shuffle
};

std::uint64_t pick(std::uint64_t seed, std::size_t index, purpose p) {
    return seeded_hash(seed,
                       (static_cast<std::uint64_t>(index) << 8) | static_cast<std::uint64_t>(p));
}

double unit(std::uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

std::string odd_case(const std::string& status, std::uint64_t h) {
    std::string upper = status;
    for (auto& c : upper) {
        c = static_cast<char>(c - 'a' + 'A');
    }
    std::string capital = status;
    capital[0] = static_cast<char>(capital[0] - 'a' + 'A');
    switch (h % 6) {
    case 0:
        return status;
    case 1:
        return capital;
    case 2:
        return upper;
    case 3:
        return " " + status;
    case 4:
        return capital + "  ";
    default:
        return "\t" + upper + " ";
    }
}

} // namespace

std::uint64_t seeded_hash(std::uint64_t seed, std::uint64_t value) {
    // splitmix64 over the pair: well mixed, stateless and identical everywhere.
    std::uint64_t z = seed * 0x9E3779B97F4A7C15ULL + value + 0x632BE59BD9B4E019ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::vector<job> generate_jobs(const generate_spec& spec, std::uint64_t seed) {
    std::vector<job> jobs;
    jobs.reserve(static_cast<std::size_t>(spec.count));
    std::int64_t id = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(spec.count); ++i) {
        job j;
        // Ids grow with small gaps so that "id == index + 1" assumptions show.
        id += 1 + static_cast<std::int64_t>(pick(seed, i, purpose::gap) % 3);
        j.id = id;
        j.name = std::string(verbs[pick(seed, i, purpose::name) % verbs.size()]) + "-" +
                 nouns[(pick(seed, i, purpose::name) >> 16) % nouns.size()];
        const bool completed = unit(pick(seed, i, purpose::status)) < spec.completed_share;
        const std::string truth =
            completed ? "completed" : other_statuses[pick(seed, i, purpose::other) % 3];
        j.status = spec.odd_status_case ? odd_case(truth, pick(seed, i, purpose::casing)) : truth;
        j.list_status = j.status;
        if (spec.stale_list && pick(seed, i, purpose::stale) % 3 == 0) {
            // The list lags behind: a finished job still shows running, and a job that is
            // not done shows completed (a filter on the list status gets both wrong).
            j.list_status = completed ? "running" : "completed";
        }
        j.owner = owners[pick(seed, i, purpose::owner) % owners.size()];
        j.duration_ms = static_cast<std::int64_t>(pick(seed, i, purpose::duration) % 600000);
        if (truth == "completed" || truth == "failed") {
            const auto minute = pick(seed, i, purpose::minute) % 60;
            j.finished_at = "2026-11-20T10:" + std::string(minute < 10 ? "0" : "") +
                            std::to_string(minute) + ":00Z";
        }
        if (spec.extra_fields) {
            const auto h = pick(seed, i, purpose::extra);
            j.extra = {{"priority", h % 5}, {"queue", (h >> 8) % 2 ? "default" : "batch"}};
            if ((h >> 16) % 2) {
                j.extra["tags"] = nlohmann::json::array({"ci", nouns[(h >> 20) % nouns.size()]});
            }
        }
        jobs.push_back(std::move(j));
    }
    // Serve the list out of id order, so that sorting the output is the candidate's job.
    for (std::size_t i = jobs.size(); i > 1; --i) {
        std::swap(jobs[i - 1], jobs[pick(seed, i, purpose::shuffle) % i]);
    }
    return jobs;
}

std::string list_body(const std::vector<job>& jobs) {
    ordered list = ordered::array();
    for (const auto& j : jobs) {
        ordered item{{"id", j.id}, {"name", j.name}, {"status", j.list_status}};
        if (j.extra.contains("priority")) {
            item["priority"] = j.extra["priority"];
        }
        list.push_back(std::move(item));
    }
    return list.dump();
}

std::string detail_body(const job& j) {
    ordered detail{{"id", j.id},
                   {"name", j.name},
                   {"status", j.status},
                   {"owner", j.owner},
                   {"duration_ms", j.duration_ms}};
    detail["finished_at"] = j.finished_at ? ordered(*j.finished_at) : ordered(nullptr);
    for (const auto& [key, value] : j.extra.items()) {
        detail[key] = ordered::parse(value.dump());
    }
    return detail.dump();
}

std::string malformed_body(const std::string& body) {
    // A plausible start that a streaming parser accepts, then a structural error.
    return body.substr(0, body.size() / 2) + ",,}";
}

} // namespace mock_api
