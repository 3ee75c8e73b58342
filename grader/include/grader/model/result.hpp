#pragma once
// The result model: the one contract between the grading engine and every renderer. Flat
// data only: nothing here knows about the sandbox, the builds or the mock API, so renderers
// (grader/report/) and readers of saved results depend on this and nothing else. Versioned
// (result_schema_version; the JSON form is in result_json.hpp and grader/README.md).

#include "grader/model/category.hpp"
#include "grader/model/finding.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grader {

/// Bumped whenever a field changes meaning, appears or goes (grader/README.md, "Result model").
inline constexpr int result_schema_version = 4;
inline constexpr const char* grader_version = "0.1.0";

/// A limit of the sandbox that ended or constrained a run, as the kernel reported it.
enum class limit_hit {
    none,
    deadline,  ///< still running at the scenario's deadline: killed
    memory,    ///< the memory cgroup's OOM killer ended it
    processes, ///< forks were refused by the process-count limit (pids cgroup)
    cpu,       ///< CPU time limit (SIGXCPU, then SIGKILL)
    output,    ///< wrote far past the output cap: killed
};
std::string to_string(limit_hit l);
limit_hit limit_hit_from_string(std::string_view name);

/// What the candidate's program did in one run. Exit code and signal are kept apart.
struct run_outcome {
    std::optional<int> exit_code; ///< when it exited
    std::optional<int> signal;    ///< when a signal ended it (SIGKILL at the deadline too)
    bool timed_out = false;       ///< killed by the sandbox at the deadline
    double wall_s = 0;
    double cpu_s = 0;
    long max_rss_kb = 0;
    std::string stdout_text;
    std::string stderr_text;
    std::uint64_t stdout_dropped = 0; ///< bytes past the capture cap (0: complete)
    std::uint64_t stderr_dropped = 0;
    double mock_start_s = 0;           ///< time to start the mock and read its address
    limit_hit limit = limit_hit::none; ///< the limit that ended it, the most specific one
    std::uint64_t oom_kills = 0;       ///< processes the memory cgroup killed
    std::uint64_t forks_refused = 0;   ///< forks the process-count limit refused
    std::uint64_t memory_peak_kb = 0;  ///< the cgroup's peak memory use (0: unknown)
};

/// The isolation a run had: every measure in force, and every one that was not (a weaker
/// fallback is never silent).
struct isolation_report {
    std::vector<std::string> in_force;    ///< "uid 61000, no capabilities, no_new_privs", ...
    std::vector<std::string> unavailable; ///< "cgroups: /sys/fs/cgroup is read-only", ...
    /// One line: the namespaces first ("netns+pidns+mntns (root)" or "none (host loopback)"),
    /// then the other measures.
    std::string summary;
};

/// "SIGSEGV" (or "signal 70" for a number without a name).
std::string signal_name(int sig);
/// The number of "SIGSEGV"; nullopt for anything else.
std::optional<int> signal_from_name(std::string_view name);

/// One journaled request on the run's timeline, in ms from the run's first request.
struct request_interval {
    std::string endpoint;
    std::optional<std::int64_t> job_id;
    int attempt = 1;
    double start_ms = 0;
    double end_ms = 0;
    int status = 0;
    std::string fault;
    std::string outcome;
};

/// How the detail requests overlapped (server-side, from the mock's journal).
struct fanout_evidence {
    std::size_t listed = 0; ///< jobs in the list
    std::size_t detail_requests = 0;
    std::vector<std::int64_t> missing_ids;   ///< listed but never requested
    std::vector<std::int64_t> duplicate_ids; ///< requested more than once without a 429 before
    std::vector<std::int64_t> unknown_ids;   ///< requested but not listed
    std::size_t timed_details = 0; ///< answered cleanly and never rate-limited: what is judged
    int peak_in_flight = 0;        ///< among those
    double window_start_ms = 0;    ///< first detail received, on the requests' timeline
    double window_ms = 0;          ///< first detail received -> last detail finished
    double ideal_full_ms = 0;      ///< all details at once: the slowest detail
    double ideal_at_peak_ms = 0;   ///< a pool of `peak_in_flight` kept busy
    double efficiency = 0;         ///< ideal_at_peak / window (1: slots never idle)
    /// Slots freed while requests were still to be sent: how many, and the median time from a
    /// detail finishing to the next one starting. A pool that keeps its slots busy refills at
    /// once; a slow client that sends everything as fast as it can has nothing to refill; a
    /// client that waits (a batch's slowest, a blocked worker) refills late.
    std::size_t refills = 0;
    double refill_median_ms = 0;
    std::string classification;             ///< none | sequential | bounded(k) | full
    std::vector<request_interval> requests; ///< every journaled request, for timelines
};

/// One resume longer than the runtime's long-poll threshold (a blocking call or CPU hog inside
/// async code), as the C++ runtime reported it.
struct long_poll {
    std::string task;
    std::string spawned_at; ///< "src/main.cpp:42"
    std::string thread;     ///< "rt-worker-1"
    double duration_ms = 0;
};

/// What a C++ submission's runtime wrote to RT_TRACE_FILE (runtime/README.md,
/// Instrumentation). Written by the candidate's process, so it is evidence the candidate could
/// forge: a check may use it to find blocking calls, never to excuse one.
struct runtime_trace_evidence {
    bool present = false;        ///< the file exists (the submission used the runtime)
    std::size_t tasks_ended = 0; ///< task_end events
    std::size_t long_polls_total = 0;
    std::vector<long_poll> long_polls; ///< the longest first, at most `keep`
    std::size_t unreadable_lines = 0;  ///< not JSON, or not a known event
    bool truncated = false;            ///< larger than the read cap; the rest was not read
    std::string refused;               ///< the file was not read at all, and why
};

/// A blocking call made in async context, as the run's dynamic evidence showed it: the LD_PRELOAD
/// probe (grader/probe/), Node's --trace-sync-io, Python's asyncio debug mode, the C++
/// runtime's watchdog. Written by the candidate's own process: it can condemn, never excuse.
struct blocking_call {
    std::string call;    ///< "clock_nanosleep", "readFileSync", "time.sleep", ...
    std::string detail;  ///< "sleep 200 ms", "path=/data/x"
    std::string context; ///< "tokio worker task poll", "node event loop", ...
    std::string file;    ///< the candidate's own innermost frame, relative to the submission
    int line = 0;
    std::string function;
    double duration_ms = 0;
    std::size_t count = 1;
    std::vector<std::string> sources; ///< "probe", "node --trace-sync-io", "asyncio debug",
                                      ///< "runtime watchdog"
};

/// What one run showed about blocking calls.
struct blocking_evidence {
    bool probe_loaded = false; ///< the probe said hello: its silence means something
    std::string probe_missing; ///< why its half is "not run" ("no heartbeat: statically linked?")
    std::vector<std::string> runtimes_seen; ///< async runtimes met; none: nothing to block
    std::vector<blocking_call> calls;       ///< in async context, most frequent first
    std::size_t excused = 0;                ///< blocking calls where they belong (spawn_blocking)
    bool truncated = false;                 ///< the probe's log was cut
};

/// A static analysis rule that fired (what a SARIF consumer shows next to its results).
struct static_rule {
    std::string id; ///< "rust-thread-sleep-in-async"
    std::string category;
    std::string severity;
    std::string message;     ///< one line
    std::string explanation; ///< why, and what to do instead
};

/// Static findings over the submission's sources (tree-sitter rules; clippy for Rust).
struct static_analysis {
    bool ran = false;
    std::vector<std::string> files;  ///< analysed, relative to the submission
    std::vector<std::string> errors; ///< files it could not read or parse fully
    std::vector<static_rule> rules;  ///< the rules that fired
    std::vector<finding> findings;   ///< finding::id is the rule's id
};

/// A file the run left in its evidence directory (the runtime trace, a probe's log).
struct evidence_file {
    std::string name;
    std::uintmax_t bytes = 0;
    friend bool operator==(const evidence_file&, const evidence_file&) = default;
    friend auto operator<=>(const evidence_file&, const evidence_file&) = default;
};

struct scenario_result {
    std::string name;
    visibility vis = visibility::visible;
    double deadline_s = 0;
    bool ran = false;
    std::string not_run_reason;
    run_outcome outcome;
    fanout_evidence fanout;
    runtime_trace_evidence runtime_trace; ///< RT_TRACE_FILE, when the submission used the runtime
    blocking_evidence blocking;           ///< blocking calls in async context, by any source
    std::vector<evidence_file> evidence_files;
    std::string run_dir;   ///< kept only with --keep-workdir
    double overhead_s = 0; ///< sandbox + mock + analysis beyond the candidate's own wall time
};

struct build_result {
    bool ok = false;
    std::string language;
    std::string toolchain;
    std::string cache;
    double seconds = 0;
    std::string summary;
    std::string isolation;
};

struct check_result {
    std::string id;    ///< "<check id>" or "<check id>/<scenario>"
    std::string check; ///< the rubric's check id
    category what = category::build;
    std::optional<std::string> scenario;
    bool passed = false;
    double points = 0;
    double max_points = 0;
    bool gate = false;       ///< failing it fails the submission
    std::string summary;     ///< one line
    std::string description; ///< what the check asks for, in plain English (the rubric's)
    /// When failed: two or three plain sentences for the candidate: what was observed (with the
    /// figure), where in their code, and what to change in their language's terms (advice.hpp).
    std::string advice;
    nlohmann::json evidence = nlohmann::json::object();
    std::vector<finding> findings;
};

struct grade_result {
    int schema_version = result_schema_version; ///< as written (a read result keeps its own)
    std::string mode;                           ///< grade | check
    std::string submission_path;
    std::string submission_name;
    std::string rubric_name;
    std::string rubric_version;
    std::string rubric_file;
    std::string rubric_hash;
    std::string isolation;             ///< the summary line of isolation_detail
    isolation_report isolation_detail; ///< of the first run (build or scenario)
    build_result build;
    static_analysis statics; ///< the submission's sources (`lint` renders only this)
    std::vector<scenario_result> scenarios;
    std::vector<check_result> checks;
    int hidden_scenarios_not_run = 0;
    std::string work_dir; ///< builds and run directories, when kept (--keep-workdir)
    double score = 0;
    double max_score = 0;
    double pass_mark = 0; ///< share of max_score
    bool passed = false;
    std::vector<std::string> gates_failed; ///< failed checks marked as gates
    /// Why the grading itself did not complete (an unusable submission, the grader's own
    /// trouble, an interruption); empty when it did. Such a result is still written.
    std::string grading_error;

    /// The result as JSON (result_json.hpp); kept as a member for its many callers.
    nlohmann::json to_json() const;
};

/// Fills score, max_score, gates_failed and passed from the checks (deterministic): passed
/// needs the pass mark and no failed gate.
void total_scores(grade_result& result);

} // namespace grader
