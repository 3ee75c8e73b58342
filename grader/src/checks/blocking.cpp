// blocking: no blocking call (thread sleep, blocking file or network I/O, nested block_on) in
// async code. Dynamic evidence (the probe, Node's and Python's own detectors, the runtime's
// watchdog beside the probe) condemns; its absence never excuses. A static finding of a
// blocking call lexically inside async code fails too, marked as not seen at run time, unless
// the rubric lowers that to a warning (threshold static_fails: 0).

#include "grader/checks/checks.hpp"
#include "scoring.hpp"

#include <algorithm>
#include <set>

namespace grader {

namespace {

using checks::fixed;

std::string where(const std::string& file, int line) {
    return file.empty() ? "(no frame of the candidate's own)" : file + ":" + std::to_string(line);
}

// One finding per place in the candidate's code (per call when unlocated), with every call,
// source and scenario that saw it there.
void add_dynamic(check_result& r, const blocking_call& c, const std::string& scenario) {
    for (auto& f : r.findings) {
        const bool same = f.id == "blocking-call" && f.file == c.file && f.line == c.line &&
                          (!c.file.empty() || f.message.rfind(c.call + " ", 0) == 0);
        if (!same) {
            continue;
        }
        if (f.message.find(c.call) == std::string::npos) {
            f.message = c.call + ", " + f.message;
        }
        for (const auto& s : c.sources) {
            if (std::find(f.sources.begin(), f.sources.end(), s) == f.sources.end()) {
                f.sources.push_back(s);
            }
        }
        if (f.detail.find(scenario) == std::string::npos) {
            f.detail += ", " + scenario;
        }
        return;
    }
    std::string message = c.call + " in " + (c.context.empty() ? "async code" : c.context);
    if (!c.detail.empty()) {
        message += " (" + c.detail + ")";
    }
    if (c.duration_ms >= 1) {
        message += ", " + fixed(c.duration_ms, 0) + " ms";
    }
    r.findings.push_back({"blocking-call",
                          severity::error,
                          c.file,
                          c.line,
                          0,
                          message,
                          "seen in: " + scenario,
                          std::nullopt,
                          c.sources});
}

// Static findings of category blocking: joined to a dynamic one at the same line, else their
// own finding, an error or (static_fails: 0) a warning.
std::size_t add_static(check_result& r, const static_analysis& statics, bool static_fails) {
    std::size_t static_only = 0;
    for (const auto& s : statics.findings) {
        const auto rule = std::find_if(statics.rules.begin(),
                                       statics.rules.end(),
                                       [&](const static_rule& x) { return x.id == s.id; });
        if (rule == statics.rules.end() || rule->category != "blocking") {
            continue;
        }
        const auto seen = std::find_if(r.findings.begin(), r.findings.end(), [&](const finding& f) {
            return f.id == "blocking-call" && f.file == s.file && f.line == s.line;
        });
        if (seen != r.findings.end()) {
            seen->sources.push_back("static");
            continue;
        }
        ++static_only;
        finding f = s;
        f.id = "blocking-call-static";
        f.level = static_fails ? severity::error : severity::warning;
        f.message = s.message + " (not seen at run time)";
        r.findings.push_back(std::move(f));
    }
    return static_only;
}

struct probe_totals {
    std::size_t runs = 0;
    std::size_t loaded = 0;
    std::size_t excused = 0;
    std::set<std::string> runtimes;
    std::string missing;
};

probe_totals totals(const std::vector<const scenario_evidence*>& runs) {
    probe_totals t;
    for (const auto* ev : runs) {
        ++t.runs;
        t.loaded += ev->blocking.probe_loaded ? 1 : 0;
        t.excused += ev->blocking.excused;
        t.runtimes.insert(ev->blocking.runtimes_seen.begin(), ev->blocking.runtimes_seen.end());
        if (!ev->blocking.probe_loaded && t.missing.empty()) {
            t.missing = ev->blocking.probe_missing;
        }
    }
    return t;
}

std::string passing_summary(const probe_totals& t) {
    if (t.loaded == 0) {
        return "no blocking call found statically; the probe did not run (" +
               (t.missing.empty() ? std::string("no run") : t.missing) + ")";
    }
    if (t.runtimes.empty()) {
        return "no async runtime in any run: there was no async context to block";
    }
    std::string names;
    for (const auto& n : t.runtimes) {
        names += (names.empty() ? "" : ", ") + n;
    }
    return "no blocking call in async code (" + names + "; probe in " + std::to_string(t.loaded) +
           "/" + std::to_string(t.runs) + " runs; " + std::to_string(t.excused) +
           " excused: spawn_blocking and the like, system files, the runtimes' own)";
}

} // namespace

check_result evaluate_blocking(const check_spec& check,
                               const std::vector<const scenario_evidence*>& runs,
                               const static_analysis& statics) {
    check_result r;
    r.id = check.id;
    r.check = check.id;
    r.what = category::blocking;
    r.max_points = check.weight;
    r.gate = check.gate;
    r.description = check.description;
    for (const auto* ev : runs) {
        for (const auto& c : ev->blocking.calls) {
            add_dynamic(r, c, ev->scenario);
        }
    }
    const std::size_t dynamic = r.findings.size();
    const bool static_fails = check.threshold.at("static_fails") >= 0.5;
    const std::size_t static_only = add_static(r, statics, static_fails);
    const auto t = totals(runs);
    r.evidence = {{"runs", t.runs},
                  {"probe_loaded_runs", t.loaded},
                  {"runtimes", std::vector<std::string>(t.runtimes.begin(), t.runtimes.end())},
                  {"excused_calls", t.excused},
                  {"seen_at_run_time", dynamic},
                  {"static_only", static_only}};
    const bool failed = dynamic > 0 || (static_fails && static_only > 0);
    if (r.findings.empty()) {
        r.summary = passing_summary(t);
    } else {
        const auto& first = r.findings.front();
        std::string seen_by;
        for (const auto& s : first.sources) {
            seen_by += (seen_by.empty() ? "" : ", ") + s;
        }
        r.summary = std::to_string(r.findings.size()) +
                    " blocking call(s) in async code: " + first.message + " at " +
                    where(first.file, first.line) + " (seen by " + seen_by + ")";
    }
    checks::score(r, check, failed ? 0.0 : 1.0);
    return r;
}

} // namespace grader
