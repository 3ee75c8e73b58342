#pragma once
// The grader's reading of the probe's log (grader/probe/README.md): which blocking calls ran
// in async context, where in the candidate's code, under which runtime. Pure: it gets the log
// text and a symboliser and returns a report. The log is written by the candidate's own
// processes, so it may be cut short, garbage or forged: the analysis bounds what it reads,
// skips what it cannot parse, and never throws. Its evidence can condemn, never excuse.

#include "probe/symboliser.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tg::probe {

/// A place in the candidate's source.
struct code_location {
    std::string file; ///< relative to the submission's source root ("src/main.rs")
    int line = 0;
    std::string function;

    friend bool operator==(const code_location&, const code_location&) = default;
};

/// One blocking call site in async context (deduplicated: several logged calls at one place
/// are one entry).
struct blocking_call {
    std::string call;    ///< the hooked function: "clock_nanosleep", "open64", "getaddrinfo"
    std::string detail;  ///< "sleep 200 ms", "path=/data/jobs.json", "host=example.com"
    std::string runtime; ///< tokio | rt | node | python
    std::string context; ///< "tokio worker task poll", "tokio block_on", "node event loop"
    std::string thread;  ///< the thread's name (kernel-truncated to 15 characters)
    int pid = 0;
    double duration_ms = 0;             ///< the longest logged call
    std::size_t count = 1;              ///< calls at this place (logged and counted)
    std::optional<code_location> where; ///< the candidate's own innermost frame
    std::vector<std::string> frames;    ///< a few frames, innermost first: "function at file:line"
};

/// What the log says.
struct probe_report {
    bool loaded = false;                    ///< a hello line was seen: the probe ran
    std::size_t processes = 0;              ///< distinct processes that said hello
    std::vector<std::string> runtimes_seen; ///< async runtimes met; none: nothing could block one
    std::vector<blocking_call> calls; ///< blocking calls in async context, most frequent first
    std::size_t async_calls = 0;      ///< calls in async context, all sites
    std::size_t excused = 0;          ///< calls in excused contexts (spawn_blocking, ...)
    std::size_t unreadable_lines = 0; ///< lines skipped: not flat JSON, too long, unknown
    bool truncated = false; ///< cut mid-line, over a cap, or the probe dropped lines itself
};

/// How to read the log.
struct analysis_options {
    /// The submission's source directories as the build saw them: frames in files under one
    /// are the candidate's (and reported relative to it); so are relative paths (rustc's
    /// "src/main.rs", python's "main.py"), except "../" ones and interpreters' pseudo-files
    /// ("node:fs", "<frozen importlib._bootstrap>").
    std::vector<std::string> source_roots;
    /// A module path as the probe logged it -> a path the grader may read, or nullopt to not
    /// symbolise it (the sandbox may show the program at another path). Only a process's own
    /// executable is symbolised. Unset: the path itself, when it is a regular file; the
    /// grader should restrict it to the submission's build output (the log can be forged).
    std::function<std::optional<std::string>(const std::string&)> map_module;
    std::size_t max_lines = 20000;     ///< lines read; the rest make the report truncated
    std::size_t max_line_bytes = 8192; ///< longer lines are unreadable (the probe's are < 4 KiB)
    std::size_t max_calls = 50;        ///< call sites reported
    std::size_t max_frames = 8;        ///< frames kept per call site
};

/// Reads the probe's log (JSON lines from every process of the run, in any order) and reports
/// the blocking calls made in async context, symbolised with `symbols`. Never throws: a log it
/// cannot make sense of gives an empty report with `unreadable_lines` counted.
probe_report analyse_probe_log(std::string_view log,
                               const symboliser& symbols,
                               const analysis_options& options = {});

} // namespace tg::probe
