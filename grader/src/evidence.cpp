#include "grader/evidence.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <queue>
#include <regex>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace grader {

using nlohmann::json;

json fanout_evidence::to_json(bool with_requests) const {
    json j{{"listed", listed},
           {"detail_requests", detail_requests},
           {"missing_ids", missing_ids},
           {"duplicate_ids", duplicate_ids},
           {"unknown_ids", unknown_ids},
           {"timed_details", timed_details},
           {"timed_details", timed_details},
           {"peak_in_flight", peak_in_flight},
           {"window_ms", window_ms},
           {"ideal_full_ms", ideal_full_ms},
           {"ideal_at_peak_ms", ideal_at_peak_ms},
           {"efficiency", efficiency},
           {"classification", classification}};
    if (with_requests) {
        json list = json::array();
        for (const auto& r : requests) {
            list.push_back({{"endpoint", r.endpoint},
                            {"job_id", r.job_id ? json(*r.job_id) : json(nullptr)},
                            {"attempt", r.attempt},
                            {"start_ms", r.start_ms},
                            {"end_ms", r.end_ms},
                            {"status", r.status},
                            {"fault", r.fault},
                            {"outcome", r.outcome}});
        }
        j["requests"] = list;
    }
    return j;
}

namespace {

// Makespan of running `latencies` (in list order) on `slots` workers that each take the next
// job as soon as they are free: what a bounded pool of that size achieves at best.
double pool_makespan(const std::vector<double>& latencies, int slots) {
    if (latencies.empty() || slots <= 0) {
        return 0;
    }
    std::priority_queue<double, std::vector<double>, std::greater<>> free_at;
    for (int i = 0; i < slots; ++i) {
        free_at.push(0);
    }
    double end = 0;
    for (const double l : latencies) {
        const double start = free_at.top();
        free_at.pop();
        free_at.push(start + l);
        end = std::max(end, start + l);
    }
    return end;
}

} // namespace

fanout_evidence analyse_fanout(const mock_api::journal_snapshot& journal,
                               const mock_api::scenario& scene) {
    fanout_evidence ev;
    ev.listed = scene.jobs.size();
    std::int64_t origin = 0;
    for (const auto& e : journal.entries) {
        origin = origin == 0 ? e.received_us : std::min(origin, e.received_us);
    }
    std::map<std::int64_t, int> requested;
    std::set<std::int64_t> rate_limited;
    std::vector<mock_api::journal_entry> candidates; // every detail request
    std::vector<mock_api::journal_entry> timed;      // those that count for the window
    for (const auto& e : journal.entries) {
        const std::int64_t end = e.finished_us != 0 ? e.finished_us : e.received_us;
        ev.requests.push_back({e.endpoint,
                               e.job_id,
                               e.attempt,
                               static_cast<double>(e.received_us - origin) / 1000.0,
                               static_cast<double>(end - origin) / 1000.0,
                               e.status,
                               e.fault,
                               e.outcome});
        if (e.endpoint != "detail" || !e.job_id) {
            continue;
        }
        ++ev.detail_requests;
        if (requested[*e.job_id]++ > 0 && rate_limited.count(*e.job_id) == 0) {
            ev.duplicate_ids.push_back(*e.job_id);
        }
        if (e.status == 429) {
            rate_limited.insert(*e.job_id);
        }
        if (scene.find_job(*e.job_id) == nullptr) {
            ev.unknown_ids.push_back(*e.job_id);
        }
        candidates.push_back(e);
    }
    // A hang or a server-side cut ends when the client gives up, and a retried 429 includes
    // the Retry-After pause: neither is a latency to judge overlap by.
    for (const auto& e : candidates) {
        if (e.fault == "none" && e.outcome == "answered" && rate_limited.count(*e.job_id) == 0) {
            timed.push_back(e);
        }
    }
    ev.timed_details = timed.size();
    std::sort(ev.duplicate_ids.begin(), ev.duplicate_ids.end());
    ev.duplicate_ids.erase(std::unique(ev.duplicate_ids.begin(), ev.duplicate_ids.end()),
                           ev.duplicate_ids.end());
    for (const auto& j : scene.jobs) {
        if (requested.count(j.id) == 0) {
            ev.missing_ids.push_back(j.id);
        }
    }
    std::sort(ev.missing_ids.begin(), ev.missing_ids.end());
    if (timed.empty()) {
        ev.classification = "none";
        return ev;
    }
    ev.peak_in_flight = mock_api::peak_in_flight(timed, 0);
    std::int64_t first = timed.front().received_us;
    std::int64_t last = timed.front().finished_us;
    std::vector<double> latencies;
    for (const auto& e : timed) {
        first = std::min(first, e.received_us);
        last = std::max(last, e.finished_us);
        latencies.push_back(scene.detail_answer_ms(*e.job_id));
    }
    ev.window_ms = static_cast<double>(last - first) / 1000.0;
    ev.ideal_full_ms = *std::max_element(latencies.begin(), latencies.end());
    ev.ideal_at_peak_ms = pool_makespan(latencies, ev.peak_in_flight);
    ev.efficiency = ev.window_ms > 0 ? std::min(1.0, ev.ideal_at_peak_ms / ev.window_ms) : 1.0;
    const auto n = static_cast<int>(timed.size());
    if (n == 1) {
        ev.classification = "none";
    } else if (ev.peak_in_flight <= 1) {
        ev.classification = "sequential";
    } else if (ev.peak_in_flight >= n) {
        ev.classification = "full";
    } else {
        ev.classification = "bounded(" + std::to_string(ev.peak_in_flight) + ")";
    }
    return ev;
}

namespace {

// Candidate output is untrusted and unbounded: matching works line by line on lines cut to a
// bounded length, since std::regex recurses per character and a long line would exhaust the
// stack; numbers are parsed with from_chars and must fit.
constexpr std::size_t max_line = 512;

std::vector<std::string_view> bounded_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const auto line = text.substr(0, end);
        lines.push_back(line.substr(0, max_line));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
    return lines;
}

int to_int(const std::string& digits) {
    int value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc{} ? value : 0;
}

// rustc >= 1.73: "thread 'NAME' panicked at FILE:L:C:" with the message on the next line
// (1.95 adds " (TID)" after the name); older: "thread 'NAME' panicked at 'MSG', FILE:L:C".
std::optional<finding> parse_panic(std::string_view line, std::string_view next) {
    static const std::regex panic_re(
        R"(^thread '([^']{0,200})'(?: \(\d{1,20}\))? panicked at (?:'(.*)', )?([^:]{1,300}):(\d{1,20}):(\d{1,20}))");
    std::match_results<std::string_view::const_iterator> m;
    if (line.find("panicked at ") == std::string_view::npos ||
        !std::regex_search(line.begin(), line.end(), m, panic_re)) {
        return std::nullopt;
    }
    const std::string message = m[2].matched ? m[2].str() : std::string(next);
    const bool unwrap = message.find("called `Result::unwrap()`") != std::string::npos ||
                        message.find("called `Option::unwrap()`") != std::string::npos;
    finding f;
    f.id = unwrap ? "unwrap-panic" : "rust-panic";
    f.file = m[3].str();
    f.line = to_int(m[4].str());
    f.column = to_int(m[5].str());
    f.message = "thread '" + m[1].str() + "' panicked" + (message.empty() ? "" : ": " + message);
    return f;
}

// "terminate called after throwing an instance of 'TYPE'" then "  what():  MESSAGE".
std::optional<finding> parse_terminate(std::string_view line, std::string_view next) {
    const std::string_view prefix = "terminate called after throwing an instance of '";
    if (line.substr(0, prefix.size()) != prefix) {
        return std::nullopt;
    }
    const auto type = line.substr(prefix.size(), line.find('\'', prefix.size()) - prefix.size());
    std::string what;
    if (const auto at = next.find("what():"); at != std::string_view::npos) {
        const auto rest = next.substr(at + 7);
        what = std::string(rest.substr(std::min(rest.find_first_not_of(' '), rest.size())));
    }
    return finding{"uncaught-exception",
                   severity::error,
                   "",
                   0,
                   0,
                   "uncaught C++ exception " + std::string(type) +
                       (what.empty() ? "" : ": " + what),
                   ""};
}

} // namespace

std::vector<finding> analyse_crash(const sandbox_outcome& run) {
    std::vector<finding> found;
    const auto lines = bounded_lines(run.stderr_text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view next = i + 1 < lines.size() ? lines[i + 1] : std::string_view{};
        if (auto f = parse_panic(lines[i], next)) {
            found.push_back(std::move(*f));
        } else if (auto t = parse_terminate(lines[i], next)) {
            found.push_back(std::move(*t));
        }
    }
    if (run.signal && !run.timed_out) {
        found.push_back({"fatal-signal",
                         severity::error,
                         "",
                         0,
                         0,
                         "the program was killed by " + signal_name(*run.signal) +
                             (*run.signal == SIGABRT ? " (abort)" : ""),
                         ""});
    }
    return found;
}

// Deepest nesting of arrays/objects outside strings; untrusted JSON nested deeper than any
// report could be is refused before parsing (printing it back would recurse that deep).
std::size_t nesting_depth(const std::string& text) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

parsed_stdout parse_report(const std::string& stdout_text) {
    parsed_stdout out;
    if (nesting_depth(stdout_text) > 32) {
        out.error = "JSON nested deeper than 32 levels";
        return out;
    }
    try {
        out.report = json::parse(stdout_text);
    } catch (const json::parse_error& e) {
        out.error = e.what();
    }
    return out;
}

json runtime_trace_evidence::to_json() const {
    json polls = json::array();
    for (const auto& p : long_polls) {
        polls.push_back({{"task", p.task},
                         {"spawned_at", p.spawned_at},
                         {"thread", p.thread},
                         {"duration_ms", std::round(p.duration_ms * 1000) / 1000}});
    }
    return {{"present", present},
            {"tasks_ended", tasks_ended},
            {"long_polls_total", long_polls_total},
            {"long_polls", polls},
            {"unreadable_lines", unreadable_lines},
            {"truncated", truncated},
            {"refused", refused.empty() ? json(nullptr) : json(refused)}};
}

untrusted_file read_untrusted_file(const std::filesystem::path& file, std::size_t cap) {
    untrusted_file out;
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        out.exists = errno != ENOENT;
        if (errno == ELOOP) {
            out.refused = "a symbolic link";
        } else if (out.exists) {
            out.refused = std::string("cannot open: ") + std::strerror(errno);
        }
        return out;
    }
    out.exists = true;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        out.refused = "not a regular file";
        return out;
    }
    out.text.resize(cap + 1); // one byte more tells a file of exactly `cap` from a longer one
    std::size_t got = 0;
    while (got < out.text.size()) {
        const auto n = ::read(fd, out.text.data() + got, out.text.size() - got);
        if (n <= 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    out.truncated = got > cap;
    out.text.resize(std::min(got, cap));
    return out;
}

runtime_trace_evidence read_runtime_trace(const std::filesystem::path& file,
                                          const std::filesystem::path& source_dir,
                                          std::size_t cap_bytes,
                                          std::size_t keep) {
    runtime_trace_evidence out;
    auto read = read_untrusted_file(file, cap_bytes);
    out.present = read.exists;
    out.refused = read.refused;
    if (!read.exists || !read.refused.empty()) {
        return out;
    }
    // Spawn sites are the compiler's paths: the working copy as given, or its real path.
    std::vector<std::string> roots;
    if (!source_dir.empty()) {
        std::error_code ec;
        roots.push_back((source_dir / "").string());
        const auto real = std::filesystem::weakly_canonical(source_dir, ec);
        if (!ec) {
            roots.push_back((real / "").string());
        }
    }
    const auto relative = [&](std::string site) {
        for (const auto& root : roots) {
            if (site.rfind(root, 0) == 0) {
                site.erase(0, root.size());
                break;
            }
        }
        return site;
    };
    std::string& text = read.text;
    out.truncated = read.truncated;
    if (out.truncated) { // drop the line the cap cut through
        text.resize(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n'));
    }
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty()) {
            continue;
        }
        // The runtime's lines are flat and short; anything else is not parsed at all, which
        // keeps a hostile line from recursing deep in the parser.
        if (line.size() > 64 * 1024 || nesting_depth(line) > 4) {
            ++out.unreadable_lines;
            continue;
        }
        const auto doc = json::parse(line, nullptr, false);
        if (!doc.is_object()) {
            ++out.unreadable_lines;
            continue;
        }
        const auto event = doc.find("event");
        if (event == doc.end() || !event->is_string()) {
            ++out.unreadable_lines;
            continue;
        }
        const auto text_of = [&](const char* key) {
            const auto it = doc.find(key);
            return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        if (*event == "task_end") {
            ++out.tasks_ended;
        } else if (*event == "long_poll") {
            const auto d = doc.find("duration_us");
            if (d == doc.end() || !d->is_number()) {
                ++out.unreadable_lines;
                continue;
            }
            ++out.long_polls_total;
            out.long_polls.push_back({text_of("task"),
                                      relative(text_of("spawned_at")),
                                      text_of("thread"),
                                      d->get<double>() / 1000.0});
        } else {
            ++out.unreadable_lines;
        }
    }
    std::stable_sort(out.long_polls.begin(),
                     out.long_polls.end(),
                     [](const auto& a, const auto& b) { return a.duration_ms > b.duration_ms; });
    if (out.long_polls.size() > keep) {
        out.long_polls.resize(keep);
    }
    return out;
}

} // namespace grader
