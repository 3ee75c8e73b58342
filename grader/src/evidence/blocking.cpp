#include "grader/evidence/blocking.hpp"

#include "grader/evidence/untrusted.hpp"
#include "probe/analysis.hpp"

#include <algorithm>
#include <regex>

namespace grader {

namespace fs = std::filesystem;

namespace {

// "file:///work/src/main.mjs:12:5" or "/work/src/main.mjs:12:5" -> (main.mjs, 12) when the
// file is in the working copy.
bool own_location(std::string where, const fs::path& source_dir, blocking_call& into) {
    static const std::regex location(R"(^(?:file://)?(/[^:]{1,400}):(\d{1,9})(?::\d+)?$)");
    std::smatch m;
    if (!std::regex_match(where, m, location)) {
        return false;
    }
    const auto file = relative_to_source(m[1].str(), source_dir);
    if (file.empty() || file.front() == '/') {
        return false;
    }
    into.file = file;
    into.line = std::stoi(m[2].str());
    return true;
}

// "(node:5) WARNING: Detected use of sync API" then "    at fn (location)" lines.
std::size_t node_sync_io(const std::vector<std::string_view>& lines,
                         std::size_t i,
                         const fs::path& source_dir,
                         std::vector<blocking_call>& calls) {
    static const std::regex frame(R"(^\s+at (?:(\S+) \()?([^()]+?)\)?$)");
    blocking_call call;
    call.context = "node event loop";
    call.sources = {"node --trace-sync-io"};
    std::size_t j = i + 1;
    for (; j < lines.size() && lines[j].rfind("    at ", 0) == 0; ++j) {
        const std::string text(lines[j]);
        std::smatch m;
        if (!std::regex_match(text, m, frame)) {
            continue;
        }
        if (call.call.empty()) {
            call.call = m[1].matched ? m[1].str() : "sync API";
        }
        if (call.file.empty() && own_location(m[2].str(), source_dir, call)) {
            call.function = m[1].matched ? m[1].str() : "";
        }
    }
    calls.push_back(std::move(call));
    return j;
}

// "Executing <Task ... coro=<work() running at /src/main.py:12> ...> took 0.201 seconds".
bool python_slow_step(std::string_view line,
                      const fs::path& source_dir,
                      std::vector<blocking_call>& calls) {
    static const std::regex slow(
        R"(^Executing <.{0,400}?coro=<([\w.]{1,200})\(\) (?:running|done, defined) at ([^:>]{1,400}):(\d{1,9})>.{0,600} took ([0-9.]{1,12}) seconds)");
    const std::string text(line);
    std::smatch m;
    if (!std::regex_search(text, m, slow)) {
        return false;
    }
    blocking_call call;
    call.call = "a task step";
    call.detail = "took " + m[4].str() + " s without yielding";
    call.context = "python asyncio event loop";
    call.function = m[1].str();
    call.duration_ms = std::stod(m[4].str()) * 1000;
    call.sources = {"asyncio debug"};
    own_location(m[2].str() + ":" + m[3].str(), source_dir, call);
    calls.push_back(std::move(call));
    return true;
}

} // namespace

stderr_diagnostics split_runtime_diagnostics(const std::string& stderr_text,
                                             const fs::path& source_dir) {
    static const std::regex node_warning(R"(^\(node:\d{1,10}\) WARNING: Detected use of sync API)");
    stderr_diagnostics out;
    const auto lines = bounded_lines(stderr_text, 2048);
    for (std::size_t i = 0; i < lines.size();) {
        const std::string line(lines[i]);
        if (std::regex_search(line, node_warning)) {
            i = node_sync_io(lines, i, source_dir, out.calls);
            continue;
        }
        if (!python_slow_step(lines[i], source_dir, out.calls)) {
            out.candidate_stderr.append(lines[i]).push_back('\n');
        }
        ++i;
    }
    if (!stderr_text.empty() && stderr_text.back() != '\n' && !out.candidate_stderr.empty()) {
        out.candidate_stderr.pop_back();
    }
    return out;
}

namespace {

blocking_call from_probe(const tg::probe::blocking_call& c) {
    blocking_call b;
    b.call = c.call;
    b.detail = c.detail;
    b.context = c.context;
    if (c.where) {
        b.file = c.where->file;
        b.line = c.where->line;
        b.function = c.where->function;
    }
    b.duration_ms = c.duration_ms;
    b.count = c.count;
    b.sources = {"probe"};
    return b;
}

// A long poll of the C++ runtime names the task and where it was spawned: kept with a
// probe call on the same thread, never alone (a long poll may be preemption on a busy machine).
void add_watchdog(const runtime_trace_evidence& trace,
                  const std::vector<tg::probe::blocking_call>& probed,
                  blocking_evidence& ev) {
    for (std::size_t i = 0; i < probed.size() && i < ev.calls.size(); ++i) {
        const auto poll =
            std::find_if(trace.long_polls.begin(), trace.long_polls.end(), [&](const long_poll& p) {
                return !probed[i].thread.empty() &&
                       p.thread.rfind(probed[i].thread.substr(0, 15), 0) == 0;
            });
        if (poll != trace.long_polls.end()) {
            ev.calls[i].sources.push_back("runtime watchdog");
            ev.calls[i].detail += (ev.calls[i].detail.empty() ? "" : "; ") + std::string("task ") +
                                  poll->task + " spawned at " + poll->spawned_at;
        }
    }
}

tg::probe::analysis_options probe_options(const blocking_inputs& in) {
    tg::probe::analysis_options o;
    o.source_roots = {in.source_dir.string()};
    std::error_code ec;
    const auto real = fs::weakly_canonical(in.source_dir, ec);
    if (!ec) {
        o.source_roots.push_back(real.string());
    }
    // Only the submission's own binaries are symbolised: a forged log names anything.
    o.map_module = [own =
                        in.own_binaries](const std::string& module) -> std::optional<std::string> {
        const bool ours = std::any_of(
            own.begin(), own.end(), [&](const fs::path& p) { return p == fs::path(module); });
        std::error_code e;
        return ours && fs::is_regular_file(module, e) ? std::optional(module) : std::nullopt;
    };
    return o;
}

} // namespace

blocking_evidence read_blocking_evidence(const blocking_inputs& inputs,
                                         const std::vector<blocking_call>& from_stderr,
                                         const runtime_trace_evidence& trace) {
    blocking_evidence ev;
    if (inputs.probe_log.empty()) {
        ev.probe_missing = "the probe was not injected";
    } else {
        const auto log = read_untrusted_file(inputs.probe_log, std::size_t{4} << 20);
        const tg::probe::addr2line_symboliser symbols;
        const auto report =
            log.refused.empty()
                ? tg::probe::analyse_probe_log(log.text, symbols, probe_options(inputs))
                : tg::probe::probe_report{};
        ev.probe_loaded = report.loaded;
        ev.runtimes_seen = report.runtimes_seen;
        ev.excused = report.excused;
        ev.truncated = report.truncated || log.truncated;
        for (const auto& c : report.calls) {
            ev.calls.push_back(from_probe(c));
            // Paths in the working copy as the candidate knows them.
            for (const auto& root : {(inputs.source_dir / "").string()}) {
                for (auto at = ev.calls.back().detail.find(root); at != std::string::npos;
                     at = ev.calls.back().detail.find(root)) {
                    ev.calls.back().detail.erase(at, root.size());
                }
            }
        }
        add_watchdog(trace, report.calls, ev);
        if (!report.loaded) {
            ev.probe_missing = !log.refused.empty()
                                   ? "its log was refused (" + log.refused + ")"
                                   : "no heartbeat: it was not loaded (a statically linked "
                                     "program ignores LD_PRELOAD) or its log was removed";
        }
    }
    // asyncio debug times a task step by the wall clock: on a busy machine any step can pass its
    // 100 ms (python/asyncio-streams once showed a 152 ms step with nothing blocking in it). Like
    // the C++ watchdog, a slow step is kept only beside a probe call on the event loop; alone it
    // may be preemption. (Without the probe it is all there is, and is kept.)
    const bool loop_blocked = std::any_of(ev.calls.begin(), ev.calls.end(), [](const auto& c) {
        return c.context == "python asyncio event loop";
    });
    for (const auto& c : from_stderr) {
        const bool wall_clock_only = c.sources == std::vector<std::string>{"asyncio debug"};
        if (!wall_clock_only || !ev.probe_loaded || loop_blocked) {
            ev.calls.push_back(c);
        }
    }
    return ev;
}

} // namespace grader
