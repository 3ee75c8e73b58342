#include "mock_api/scenario.hpp"

#include "common/yaml_reader.hpp"
#include "detail/text.hpp"
#include "mock_api/dataset.hpp"

#include <algorithm>
#include <climits>
#include <set>
#include <unordered_set>

namespace mock_api {
namespace {

using common::yaml_map;
using common::yaml_reader;

// The largest integer a JSON client that reads numbers as doubles (JavaScript, Python's json
// with floats, jq) still holds exactly: durations and their totals stay within it.
constexpr std::int64_t max_json_integer = (std::int64_t{1} << 53) - 1;

// A string that goes into the JSON the server sends: it must be valid UTF-8, or writing the
// body would fail (nlohmann::json refuses to write invalid UTF-8).
std::string text(const yaml_reader& r, const YAML::Node& node, const std::string& what) {
    std::string value = r.as_string(node, what);
    if (!detail::is_valid_utf8(value)) {
        r.fail(node, "'" + what + "' is not valid UTF-8");
    }
    return value;
}

std::string
text(const yaml_reader& r, const yaml_map& m, const std::string& key, const std::string& fallback) {
    return m.has(key) ? text(r, m.required(key), key) : fallback;
}

const std::vector<std::pair<fault_kind, std::string>>& fault_names() {
    static const std::vector<std::pair<fault_kind, std::string>> names{
        {fault_kind::status, "status"},
        {fault_kind::malformed, "malformed"},
        {fault_kind::truncated, "truncated"},
        {fault_kind::empty_reply, "empty_reply"},
        {fault_kind::reset, "reset"},
        {fault_kind::hang, "hang"},
        {fault_kind::drip, "drip"},
        {fault_kind::rate_limit, "rate_limit"},
    };
    return names;
}

// Timings within the margin around the contract's timeout would make the oracle ambiguous.
void check_margin(const yaml_reader& r, const YAML::Node& at, const std::string& what, int ms) {
    if (std::abs(ms - contract_timeout_ms) < timeout_margin_ms) {
        r.fail(at,
               what + " of " + std::to_string(ms) + " ms is within " +
                   std::to_string(timeout_margin_ms) + " ms of the contract's " +
                   std::to_string(contract_timeout_ms) +
                   " ms timeout: a correct client may go either way");
    }
}

// "ids 2, 5, 8 ... 40" - enough for a scenario author to pick an existing id.
std::string some_ids(const std::vector<job>& jobs) {
    if (jobs.empty()) {
        return "it has no jobs";
    }
    std::vector<std::int64_t> ids;
    for (const auto& j : jobs) {
        ids.push_back(j.id);
    }
    std::sort(ids.begin(), ids.end());
    std::string out = "ids ";
    for (std::size_t i = 0; i < ids.size() && i < 6; ++i) {
        out += (i ? ", " : "") + std::to_string(ids[i]);
    }
    if (ids.size() > 6) {
        out += " ... " + std::to_string(ids.back());
    }
    return out;
}

fault parse_fault(const yaml_reader& r,
                  const YAML::Node& node,
                  const std::string& what,
                  bool with_ids) {
    std::vector<std::string> keys{
        "kind", "status", "attempts", "retry_after_s", "chunk_bytes", "interval_ms"};
    if (with_ids) {
        keys.emplace_back("ids");
    }
    const yaml_map m = r.as_map(node, what, keys);
    const YAML::Node kind_node = m.required("kind");
    const std::string kind = r.as_string(kind_node, "kind");
    fault f;
    const auto& names = fault_names();
    const auto it =
        std::find_if(names.begin(), names.end(), [&](const auto& p) { return p.second == kind; });
    if (it == names.end()) {
        r.fail(kind_node,
               "unknown fault kind '" + kind +
                   "' (expected one of status, malformed, "
                   "truncated, empty_reply, reset, hang, drip, rate_limit)");
    }
    f.kind = it->first;
    f.status = static_cast<int>(m.get_int("status", 400, 599, 500));
    f.attempts = static_cast<int>(m.get_int("attempts", 0, 1000, 0));
    f.retry_after_s = static_cast<int>(m.get_int("retry_after_s", 0, 60, 1));
    f.chunk_bytes = static_cast<int>(m.get_int("chunk_bytes", 1, 1 << 20, 16));
    f.interval_ms = static_cast<int>(m.get_int("interval_ms", 0, 60000, 100));
    // A parameter that the kind ignores is almost certainly a mistake in the scenario.
    const std::vector<std::pair<std::string, std::vector<fault_kind>>> owners{
        {"status", {fault_kind::status}},
        {"attempts", {fault_kind::rate_limit}},
        {"retry_after_s", {fault_kind::rate_limit}},
        {"chunk_bytes", {fault_kind::drip}},
        {"interval_ms", {fault_kind::drip}},
    };
    for (const auto& [key, kinds] : owners) {
        if (m.has(key) && std::find(kinds.begin(), kinds.end(), f.kind) == kinds.end()) {
            r.fail(m.optional(key), "'" + key + "' does not apply to fault kind '" + kind + "'");
        }
    }
    return f;
}

std::vector<job> parse_job_list(const yaml_reader& r, const YAML::Node& node) {
    r.expect_sequence(node, "list");
    std::vector<job> jobs;
    std::set<std::int64_t> seen;
    std::int64_t total_ms = 0;
    for (const auto& item : node) {
        const yaml_map m = r.as_map(item,
                                    "job",
                                    {"id",
                                     "name",
                                     "status",
                                     "list_status",
                                     "owner",
                                     "duration_ms",
                                     "finished_at",
                                     "extra"});
        job j;
        j.id = m.get_int("id", 1, INT64_MAX);
        if (!seen.insert(j.id).second) {
            r.fail(m.required("id"), "duplicate job id " + std::to_string(j.id));
        }
        j.name = text(r, m.required("name"), "name");
        j.status = text(r, m.required("status"), "status");
        j.list_status = text(r, m, "list_status", j.status);
        j.owner = text(r, m.required("owner"), "owner");
        j.duration_ms = m.get_int("duration_ms", 0, max_json_integer);
        const YAML::Node finished = m.optional("finished_at");
        if (finished.IsDefined() && !finished.IsNull()) {
            j.finished_at = text(r, finished, "finished_at");
        }
        const YAML::Node extra = m.optional("extra");
        if (extra.IsDefined()) {
            const yaml_map extras = r.as_map(extra, "extra", {"priority", "queue", "tags", "note"});
            for (const auto& entry : extras.node()) {
                j.extra[entry.first.Scalar()] = text(r, entry.second, entry.first.Scalar());
            }
        }
        // Every report total is a sum of some of the durations: keep the largest exact.
        total_ms += j.duration_ms;
        if (total_ms > max_json_integer) {
            r.fail(m.required("duration_ms"),
                   "the jobs' duration_ms add up to more than 2^53 - 1, which a JSON client "
                   "cannot total exactly");
        }
        jobs.push_back(std::move(j));
    }
    return jobs;
}

std::vector<job> parse_jobs(const yaml_reader& r, const yaml_map& root, std::uint64_t seed) {
    const yaml_map m = root.get_map(
        "jobs",
        {"count", "completed_share", "odd_status_case", "extra_fields", "stale_list", "list"});
    const bool has_list = m.has("list");
    if (has_list == m.has("count")) {
        r.fail(m.node(), "'jobs' needs exactly one of 'count' (generate) or 'list' (explicit)");
    }
    if (has_list) {
        for (const char* key :
             {"completed_share", "odd_status_case", "extra_fields", "stale_list"}) {
            if (m.has(key)) {
                r.fail(m.optional(key),
                       std::string("'") + key + "' applies only to generated jobs");
            }
        }
        return parse_job_list(r, m.required("list"));
    }
    generate_spec spec;
    spec.count = static_cast<int>(m.get_int("count", 0, 100000));
    spec.completed_share = m.get_number("completed_share", 0.0, 1.0, spec.completed_share);
    spec.odd_status_case = m.get_bool("odd_status_case", spec.odd_status_case);
    spec.extra_fields = m.get_bool("extra_fields", spec.extra_fields);
    spec.stale_list = m.get_bool("stale_list", spec.stale_list);
    return generate_jobs(spec, seed);
}

latency_plan parse_latency(const yaml_reader& r, const yaml_map& root) {
    latency_plan plan;
    if (!root.has("latency")) {
        return plan;
    }
    const yaml_map m = root.get_map("latency", {"list_ms", "detail_ms", "jitter_ms", "per_id"});
    plan.list_ms = static_cast<int>(m.get_int("list_ms", 0, 600000, 0));
    plan.detail_ms = static_cast<int>(m.get_int("detail_ms", 0, 600000, 0));
    plan.jitter_ms = static_cast<int>(m.get_int("jitter_ms", 0, 60000, 0));
    const YAML::Node per_id = m.optional("per_id");
    if (per_id.IsDefined()) {
        if (!per_id.IsMap()) {
            r.fail(per_id, "'per_id' must be a mapping of job id to milliseconds");
        }
        for (const auto& entry : per_id) {
            const auto id = r.as_int(entry.first, "per_id key", 1, INT64_MAX);
            plan.per_id_ms[id] =
                static_cast<int>(r.as_int(entry.second, "per_id value", 0, 600000));
        }
    }
    return plan;
}

void parse_faults(const yaml_reader& r, const yaml_map& root, scenario& s) {
    if (!root.has("faults")) {
        return;
    }
    const yaml_map m = root.get_map("faults", {"list", "detail"});
    if (m.has("list")) {
        s.list_fault = parse_fault(r, m.required("list"), "list", false);
    }
    if (!m.has("detail")) {
        return;
    }
    const YAML::Node details = m.required("detail");
    r.expect_sequence(details, "detail");
    std::unordered_set<std::int64_t> known;
    for (const auto& j : s.jobs) {
        known.insert(j.id);
    }
    for (const auto& item : details) {
        detail_fault df;
        df.what = parse_fault(r, item, "detail fault", true);
        const YAML::Node ids = item["ids"];
        if (ids.IsDefined()) {
            r.expect_sequence(ids, "ids");
            for (const auto& id_node : ids) {
                const auto id = r.as_int(id_node, "ids", 1, INT64_MAX);
                if (known.count(id) == 0) {
                    r.fail(id_node,
                           "fault names job " + std::to_string(id) +
                               ", which is not in the dataset (" + some_ids(s.jobs) + ")");
                }
                df.ids.push_back(id);
            }
        }
        s.detail_faults.push_back(std::move(df));
    }
}

server_limits parse_limits(const yaml_reader& r, const yaml_map& root) {
    server_limits limits;
    if (!root.has("limits")) {
        return limits;
    }
    const yaml_map m = root.get_map(
        "limits", {"max_in_flight", "over_limit_status", "max_connections", "journal_max_entries"});
    limits.max_in_flight = static_cast<int>(m.get_int("max_in_flight", 0, 1000000, 0));
    const YAML::Node status = m.optional("over_limit_status");
    if (status.IsDefined()) {
        limits.over_limit_status =
            static_cast<int>(r.as_int(status, "over_limit_status", 100, 599));
        if (limits.over_limit_status != 429 && limits.over_limit_status != 503) {
            r.fail(status,
                   "'over_limit_status' must be 429 or 503, got " +
                       std::to_string(limits.over_limit_status));
        }
    }
    limits.max_connections = static_cast<int>(m.get_int("max_connections", 1, 65536, 4096));
    limits.journal_max_entries =
        static_cast<std::size_t>(m.get_int("journal_max_entries", 1, 10000000, 100000));
    return limits;
}

// Timing checks need the whole scenario: latencies and drips against the contract's timeout.
// Each error points at the most specific node that set the offending time.
void check_timings(const yaml_reader& r, const yaml_map& root, const scenario& s) {
    const YAML::Node latency = root.optional("latency");
    const YAML::Node faults = root.optional("faults");
    const auto pick_node = [&](std::initializer_list<YAML::Node> nodes) {
        for (const auto& n : nodes) {
            if (n.IsDefined()) {
                return n;
            }
        }
        return root.node();
    };
    int list_ms = s.latency.list_ms;
    if (s.list_fault && s.list_fault->kind == fault_kind::drip) {
        list_ms += drip_ms(*s.list_fault, list_body(s.jobs).size());
    }
    if (list_ms > 0) {
        const YAML::Node at = pick_node(
            {latency.IsDefined() ? latency["list_ms"] : YAML::Node(YAML::NodeType::Undefined),
             faults.IsDefined() ? faults["list"] : YAML::Node(YAML::NodeType::Undefined)});
        check_margin(r, at, "list answer time", list_ms);
    }
    for (const auto& j : s.jobs) {
        const int ms = s.answer_ms(j);
        if (std::abs(ms - contract_timeout_ms) >= timeout_margin_ms) {
            continue;
        }
        YAML::Node undefined(YAML::NodeType::Undefined);
        const YAML::Node per_id = latency.IsDefined() ? latency["per_id"] : undefined;
        const YAML::Node at = pick_node({s.latency.per_id_ms.count(j.id) ? per_id : undefined,
                                         faults.IsDefined() ? faults["detail"] : undefined,
                                         latency});
        check_margin(r, at, "detail answer time for job " + std::to_string(j.id), ms);
    }
}

scenario parse(const yaml_reader& r, const YAML::Node& node) {
    const yaml_map root = r.as_map(
        node, "scenario", {"name", "description", "seed", "jobs", "latency", "faults", "limits"});
    scenario s;
    s.source = r.file();
    s.name = text(r, root.required("name"), "name");
    s.description = text(r, root, "description", "");
    s.seed = static_cast<std::uint64_t>(root.get_int("seed", 0, INT64_MAX, 1));
    s.jobs = parse_jobs(r, root, s.seed);
    s.latency = parse_latency(r, root);
    parse_faults(r, root, s);
    s.limits = parse_limits(r, root);
    check_timings(r, root, s);
    return s;
}

} // namespace

std::string to_string(fault_kind kind) {
    for (const auto& [k, name] : fault_names()) {
        if (k == kind) {
            return name;
        }
    }
    return "unknown";
}

bool fault::applies_to_attempt(int attempt) const {
    return kind != fault_kind::rate_limit || attempts == 0 || attempt <= attempts;
}

const job* scenario::find_job(std::int64_t id) const {
    const auto it =
        std::find_if(jobs.begin(), jobs.end(), [id](const job& j) { return j.id == id; });
    return it == jobs.end() ? nullptr : &*it;
}

const fault* scenario::detail_fault_for(std::int64_t id) const {
    for (const auto& df : detail_faults) {
        if (df.ids.empty() || std::find(df.ids.begin(), df.ids.end(), id) != df.ids.end()) {
            return &df.what;
        }
    }
    return nullptr;
}

int scenario::detail_answer_ms(std::int64_t id) const {
    const job* j = find_job(id);
    return j != nullptr ? answer_ms(*j) : detail_latency_ms(id);
}

int scenario::answer_ms(const job& j) const {
    int ms = detail_latency_ms(j.id);
    const fault* f = detail_fault_for(j.id);
    if (f != nullptr && f->kind == fault_kind::drip) {
        ms += drip_ms(*f, detail_body(j).size());
    }
    return ms;
}

int drip_ms(const fault& f, std::size_t body_bytes) {
    // Millions of chunks times a minute each does not fit an int; anything past the cap is
    // far beyond the contract's timeout anyway, and latency can still be added to it.
    constexpr std::int64_t cap = 1'000'000'000;
    const auto chunk = static_cast<std::size_t>(std::max(f.chunk_bytes, 1));
    const auto chunks = static_cast<std::int64_t>(
        std::min<std::size_t>((body_bytes + chunk - 1) / chunk, static_cast<std::size_t>(cap)));
    return static_cast<int>(std::min(chunks * std::max(f.interval_ms, 0), cap));
}

int scenario::detail_latency_ms(std::int64_t id) const {
    const auto it = latency.per_id_ms.find(id);
    const int base = it == latency.per_id_ms.end() ? latency.detail_ms : it->second;
    if (latency.jitter_ms == 0) {
        return base;
    }
    const auto jitter = seeded_hash(seed ^ 0x6a09e667f3bcc908ULL, static_cast<std::uint64_t>(id)) %
                        static_cast<std::uint64_t>(latency.jitter_ms + 1);
    return base + static_cast<int>(jitter);
}

common::result<scenario> parse_scenario(const std::string& text, const std::string& name) {
    auto root = yaml_reader::load_string(text, name);
    if (!root) {
        return root.err();
    }
    try {
        return parse(yaml_reader(name), root.value());
    } catch (const common::yaml_error& e) {
        return common::error{common::errc::invalid_input, e.what()};
    }
}

common::result<scenario> parse_scenario_node(const YAML::Node& node, const std::string& file) {
    try {
        return parse(yaml_reader(file), node);
    } catch (const common::yaml_error& e) {
        return common::error{common::errc::invalid_input, e.what()};
    }
}

common::result<scenario> load_scenario(const std::filesystem::path& path) {
    auto root = yaml_reader::load_file(path);
    if (!root) {
        return root.err();
    }
    try {
        return parse(yaml_reader(path.string()), root.value());
    } catch (const common::yaml_error& e) {
        return common::error{common::errc::invalid_input, e.what()};
    }
}

} // namespace mock_api
