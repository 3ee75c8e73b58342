// analyse_probe_log: read the log (log_reader), resolve each call's frames (call_frames),
// settle its verdict with the inline rules, find the candidate's own frame, and merge calls
// at one place into one blocking_call.

#include "call_frames.hpp"
#include "log_reader.hpp"
#include "probe/analysis.hpp"
#include "runtime_rules.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace tg::probe {

namespace {

using detail::call_frame;
using detail::logged_call;
using detail::probe_log;

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// addr2line names an inlined frame by its short name, a physical one by its full path.
bool names_function(const std::string& function, const std::string& name) {
    return function == name || ends_with(function, "::" + name);
}

const rules::inline_rule* matching_inline_rule(const symbol_frame& f) {
    for (const auto& rule : rules::inline_rules) {
        if (names_function(f.function, rule.function) &&
            f.file.find(rule.file_part) != std::string::npos &&
            ends_with(f.file, rule.file_suffix)) {
            return &rule;
        }
    }
    return nullptr;
}

void apply(logged_call& c, rules::verdict what, const char* runtime, const char* context) {
    c.verdict = what == rules::verdict::excused ? "excused" : "async";
    c.runtime = runtime;
    c.context = context;
}

// On a script stack, the innermost frame that is the candidate's or a script rule's decides.
void settle_script_verdict(logged_call& c,
                           const std::vector<call_frame>& frames,
                           const analysis_options& options) {
    for (const auto& f : frames) {
        if (detail::candidate_file(f.where.file, options.source_roots)) {
            return;
        }
        for (const auto& rule : rules::script_rules) {
            if (c.runtime == rule.runtime && f.where.file.rfind(rule.file_prefix, 0) == 0) {
                apply(c, rule.what, rule.runtime, rule.context);
                return;
            }
        }
    }
}

// The probe decided with physical frames only; the line tables also show inlined ones. The
// innermost inline rule at or inside the deciding frame wins. Path-rule excuses stand.
void settle_verdict(logged_call& c,
                    const std::vector<call_frame>& frames,
                    const analysis_options& options) {
    if (c.decided_by == "path") {
        return;
    }
    if (!c.script.empty()) {
        settle_script_verdict(c, frames, options);
        return;
    }
    for (const auto& f : frames) {
        if (f.native_index < 0 || (c.rule_frame >= 0 && f.native_index > c.rule_frame)) {
            continue;
        }
        if (const auto* rule = matching_inline_rule(f.where)) {
            apply(c, rule->what, rule->runtime, rule->context);
            return;
        }
    }
}

std::string describe(const symbol_frame& f, const std::vector<std::string>& roots) {
    const auto own = detail::candidate_file(f.file, roots);
    std::string text = f.function.empty() ? "??" : f.function;
    if (!f.file.empty()) {
        text += " at " + (own ? *own : f.file) + ":" + std::to_string(f.line);
    }
    return text;
}

blocking_call make_call(const logged_call& c,
                        const std::vector<call_frame>& frames,
                        const analysis_options& options) {
    blocking_call b;
    b.call = c.call;
    b.detail = c.detail;
    b.runtime = c.runtime;
    b.context = c.context;
    b.thread = c.thread;
    b.pid = c.pid;
    b.duration_ms = c.ms;
    b.count = 0;
    for (const auto& f : frames) {
        if (!b.where) {
            if (auto own = detail::candidate_file(f.where.file, options.source_roots)) {
                b.where = code_location{*own, f.where.line, f.where.function};
            }
        }
        if (b.frames.size() < options.max_frames) {
            b.frames.push_back(describe(f.where, options.source_roots));
        }
    }
    return b;
}

// One place in the program: calls there are one entry.
using place_key = std::tuple<std::string, std::string, std::string, std::string>;

place_key place_of(const blocking_call& b, const logged_call& c) {
    const std::string where =
        b.where ? b.where->file + ":" + std::to_string(b.where->line) : "site " + c.site;
    return {b.runtime, b.context, b.call, where};
}

void merge_calls(probe_report& report,
                 probe_log& log,
                 const std::vector<std::vector<call_frame>>& frames,
                 const analysis_options& options) {
    std::map<place_key, blocking_call> places;
    std::set<std::pair<std::string, std::string>> counted; // a site's lines share its count
    for (std::size_t i = 0; i < log.calls.size(); ++i) {
        logged_call& c = log.calls[i];
        settle_verdict(c, frames[i], options);
        const auto site = std::make_pair(c.process, c.site);
        const std::uint64_t count =
            counted.insert(site).second ? std::max<std::uint64_t>(1, log.site_counts[site]) : 0;
        if (c.verdict != "async") {
            report.excused += count;
            continue;
        }
        report.async_calls += count;
        blocking_call b = make_call(c, frames[i], options);
        auto [it, fresh] = places.try_emplace(place_of(b, c), std::move(b));
        it->second.count += count;
        it->second.duration_ms = std::max(it->second.duration_ms, c.ms);
    }
    for (auto& [key, call] : places) {
        report.calls.push_back(std::move(call));
    }
    std::stable_sort(
        report.calls.begin(),
        report.calls.end(),
        [](const blocking_call& a, const blocking_call& b) { return a.count > b.count; });
    if (report.calls.size() > options.max_calls) {
        report.calls.resize(options.max_calls);
        report.truncated = true;
    }
}

void summarise_processes(probe_report& report, const probe_log& log) {
    report.truncated = log.truncated;
    report.unreadable_lines = log.unreadable;
    for (const auto& [key, p] : log.processes) {
        if (p.hello) {
            report.loaded = true;
            ++report.processes;
        }
        if (p.bye_dropped > 0) {
            report.truncated = true;
        }
    }
    std::set<std::string> runtimes = log.runtimes;
    for (const auto& c : log.calls) {
        runtimes.insert(c.runtime);
    }
    report.runtimes_seen.assign(runtimes.begin(), runtimes.end());
}

} // namespace

probe_report analyse_probe_log(std::string_view log_text,
                               const symboliser& symbols,
                               const analysis_options& options) {
    probe_report report;
    try {
        probe_log log = detail::read_probe_log(log_text, options.max_lines, options.max_line_bytes);
        summarise_processes(report, log);
        const auto frames = detail::resolve_call_frames(log, symbols, options);
        merge_calls(report, log, frames, options);
    } catch (...) {
        // Only memory can fail here; what was gathered stands, marked incomplete.
        report.truncated = true;
    }
    return report;
}

} // namespace tg::probe
