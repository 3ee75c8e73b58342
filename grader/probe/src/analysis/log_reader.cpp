#include "log_reader.hpp"

#include "runtime_rules.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace tg::probe::detail {

namespace {

using json = nlohmann::json;

// A process writes at least a hello line: the line cap bounds this in practice (a shell script
// running one curl per request is thousands of processes).
constexpr std::size_t max_processes = 20000;
constexpr std::size_t max_calls = 2000;
constexpr std::size_t max_modules = 256;
constexpr std::size_t max_sites = 8192;
constexpr std::size_t max_frames = 64;
constexpr std::size_t max_script_frames = 16;
constexpr std::size_t max_text = 512;

std::string text_field(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string()) {
        return {};
    }
    const auto& s = it->get_ref<const std::string&>();
    return s.size() <= max_text ? s : s.substr(0, max_text);
}

std::int64_t int_field(const json& j, const char* key, std::int64_t fallback = 0) {
    const auto it = j.find(key);
    if (it != j.end() && it->is_number_integer()) {
        return it->get<std::int64_t>();
    }
    return fallback;
}

bool is_known_runtime(const std::string& name) {
    return std::any_of(std::begin(rules::runtimes), std::end(rules::runtimes), [&](const char* r) {
        return name == r;
    });
}

bool parse_hex(std::string_view s, std::uint64_t& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
    return ec == std::errc{} && end == s.data() + s.size() && !s.empty();
}

// "M:OFFSET M:OFFSET -:ADDRESS"
std::vector<logged_frame> parse_frames(std::string_view text) {
    std::vector<logged_frame> frames;
    while (!text.empty() && frames.size() < max_frames) {
        const std::size_t space = text.find(' ');
        const std::string_view item = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
        const std::size_t colon = item.find(':');
        logged_frame f;
        if (colon == std::string_view::npos || !parse_hex(item.substr(colon + 1), f.offset)) {
            continue;
        }
        const std::string_view module = item.substr(0, colon);
        int id = -1;
        const auto [end, ec] = std::from_chars(module.data(), module.data() + module.size(), id);
        f.module = ec == std::errc{} && end == module.data() + module.size() ? id : -1;
        frames.push_back(f);
    }
    return frames;
}

// "file\tline\tfunction\n..." (a frame cut short at the end is dropped)
std::vector<script_frame> parse_script(std::string_view text) {
    std::vector<script_frame> frames;
    while (!text.empty() && frames.size() < max_script_frames) {
        const std::size_t nl = text.find('\n');
        const std::string_view item = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        const std::size_t tab1 = item.find('\t');
        const std::size_t tab2 = tab1 == std::string_view::npos ? tab1 : item.find('\t', tab1 + 1);
        if (tab2 == std::string_view::npos) {
            continue;
        }
        script_frame f{std::string(item.substr(0, tab1)), 0, std::string(item.substr(tab2 + 1))};
        const std::string_view line = item.substr(tab1 + 1, tab2 - tab1 - 1);
        std::from_chars(line.data(), line.data() + line.size(), f.line);
        frames.push_back(std::move(f));
    }
    return frames;
}

void note_site(probe_log& log,
               const std::string& process,
               const std::string& site,
               std::int64_t n) {
    const auto key = std::make_pair(process, site);
    if (n <= 0 || (log.site_counts.size() >= max_sites && !log.site_counts.count(key))) {
        return;
    }
    auto& count = log.site_counts[key];
    count = std::max(count, static_cast<std::uint64_t>(n));
}

bool read_call(probe_log& log, const json& j, const std::string& process) {
    logged_call c;
    c.process = process;
    c.pid = static_cast<int>(int_field(j, "pid"));
    c.thread = text_field(j, "thread");
    c.call = text_field(j, "call");
    c.detail = text_field(j, "detail");
    c.verdict = text_field(j, "verdict");
    c.runtime = text_field(j, "runtime");
    c.context = text_field(j, "context");
    c.site = text_field(j, "site");
    if (c.call.empty() || c.site.empty() || !is_known_runtime(c.runtime) ||
        (c.verdict != "async" && c.verdict != "excused")) {
        return false;
    }
    if (const auto it = j.find("ms"); it != j.end() && it->is_number()) {
        c.ms = std::max(0.0, it->get<double>());
    }
    c.rule_frame = static_cast<int>(int_field(j, "rule_frame", -1));
    c.decided_by = text_field(j, "by");
    if (const auto it = j.find("frames"); it != j.end() && it->is_string()) {
        c.frames = parse_frames(it->get_ref<const std::string&>());
    }
    if (const auto it = j.find("script"); it != j.end() && it->is_string()) {
        c.script = parse_script(it->get_ref<const std::string&>());
    }
    note_site(log, process, c.site, int_field(j, "n", 1));
    if (log.calls.size() < max_calls) {
        log.calls.push_back(std::move(c));
    } else {
        log.truncated = true;
    }
    return true;
}

bool read_process_line(logged_process& p, const std::string& ev, const json& j) {
    if (ev == "hello") {
        p.hello = true;
        p.exe = text_field(j, "exe");
    } else if (ev == "module") {
        const std::int64_t id = int_field(j, "id", -1);
        if (id < 0 || id >= static_cast<std::int64_t>(max_modules)) {
            return false;
        }
        p.modules[static_cast<int>(id)] = text_field(j, "path");
    } else if (ev == "bye") {
        p.bye = true;
        p.bye_async = static_cast<std::uint64_t>(std::max<std::int64_t>(0, int_field(j, "async")));
        p.bye_excused =
            static_cast<std::uint64_t>(std::max<std::int64_t>(0, int_field(j, "excused")));
        p.bye_dropped =
            static_cast<std::uint64_t>(std::max<std::int64_t>(0, int_field(j, "dropped")));
    } else {
        return false;
    }
    return true;
}

// One line's object; false when it is not a line the probe writes.
bool read_line(probe_log& log, const json& j) {
    const std::string ev = text_field(j, "ev");
    const std::int64_t pid = int_field(j, "pid", -1);
    const std::string img = text_field(j, "img");
    if (pid <= 0 || pid > (1 << 22) || img.empty() || img.size() > 16) {
        return false;
    }
    const std::string process = std::to_string(pid) + "/" + img;
    if (ev == "runtime") {
        const std::string runtime = text_field(j, "runtime");
        if (!is_known_runtime(runtime)) {
            return false;
        }
        log.runtimes.insert(runtime);
        return true;
    }
    if (ev == "call") {
        return read_call(log, j, process);
    }
    if (ev == "repeat") {
        note_site(log, process, text_field(j, "site"), int_field(j, "n"));
        return true;
    }
    if (!log.processes.count(process) && log.processes.size() >= max_processes) {
        log.truncated = true;
        return true;
    }
    logged_process& p = log.processes[process];
    p.pid = static_cast<int>(pid);
    return read_process_line(p, ev, j);
}

// A flat JSON object: strings, numbers and booleans only.
bool is_flat_object(const json& j) {
    return j.is_object() && std::all_of(j.begin(), j.end(), [](const json& v) {
               return v.is_string() || v.is_number() || v.is_boolean();
           });
}

} // namespace

probe_log read_probe_log(std::string_view text, std::size_t max_lines, std::size_t max_line_bytes) {
    probe_log log;
    std::size_t lines = 0;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        if (nl == std::string_view::npos) { // the rest was cut short by the grader's byte cap
            log.truncated = true;
            break;
        }
        const std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl + 1);
        if (++lines > max_lines) {
            log.truncated = true;
            break;
        }
        if (line.empty()) {
            continue;
        }
        if (line.size() > max_line_bytes || line.front() != '{' || line.back() != '}') {
            ++log.unreadable;
            continue;
        }
        const json j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !is_flat_object(j) || !read_line(log, j)) {
            ++log.unreadable;
        }
    }
    return log;
}

} // namespace tg::probe::detail
