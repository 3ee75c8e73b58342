#pragma once
// Evidence: what a scenario run shows, derived from the sandbox outcome and the mock's
// journal. Checks read only evidence; evidence knows nothing about points.

#include "grader/finding.hpp"
#include "grader/sandbox.hpp"
#include "mock_api/journal.hpp"
#include "mock_api/oracle.hpp"
#include "mock_api/scenario.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace grader {

/// One request on the timeline, in ms from the run's first request.
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

/// How the detail requests overlapped (server-side, from the journal).
struct fanout_evidence {
    std::size_t listed = 0; ///< jobs in the list
    std::size_t detail_requests = 0;
    std::vector<std::int64_t> missing_ids;   ///< listed but never requested
    std::vector<std::int64_t> duplicate_ids; ///< requested more than once without a 429 before
    std::vector<std::int64_t> unknown_ids;   ///< requested but not listed
    std::size_t timed_details = 0; ///< answered cleanly and never rate-limited: what is judged
    int peak_in_flight = 0;        ///< among those
    double window_ms = 0;          ///< first detail received -> last detail finished
    double ideal_full_ms = 0;      ///< all details at once: the slowest detail
    double ideal_at_peak_ms = 0;   ///< a pool of `peak_in_flight` kept busy
    double efficiency = 0;         ///< ideal_at_peak / window (1: slots never idle)
    std::string classification;    ///< none | sequential | bounded(k) | full
    std::vector<request_interval> requests; ///< every journaled request, for timelines

    nlohmann::json to_json(bool with_requests) const;
};

fanout_evidence analyse_fanout(const mock_api::journal_snapshot& journal,
                               const mock_api::scenario& scene);

/// Crashes seen in a run: panics (with file:line), unwrap/expect, uncaught C++ exceptions,
/// aborts and other fatal signals. A run killed at its deadline is not a crash.
std::vector<finding> analyse_crash(const sandbox_outcome& run);

/// A file the candidate's process could have written (a run's evidence directory), read so
/// that it cannot hurt the grader: no symlinks followed, nothing but a regular file opened
/// (a FIFO would block the grader forever), at most `cap` bytes.
struct untrusted_file {
    bool exists = false;
    std::string refused; ///< why it was not read ("a symbolic link", "not a regular file"), or ""
    std::string text;    ///< up to the cap
    bool truncated = false;
};
untrusted_file read_untrusted_file(const std::filesystem::path& file, std::size_t cap);

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
/// forge: a checks may use it to find blocking calls, never to excuse one.
struct runtime_trace_evidence {
    bool present = false;        ///< the file exists (the submission used the runtime)
    std::size_t tasks_ended = 0; ///< task_end events
    std::size_t long_polls_total = 0;
    std::vector<long_poll> long_polls; ///< the longest first, at most `keep`
    std::size_t unreadable_lines = 0;  ///< not JSON, or not a known event
    bool truncated = false;            ///< larger than the read cap; the rest was not read
    std::string refused;               ///< the file was not read at all, and why

    nlohmann::json to_json() const;
};

/// Reads a runtime trace file (JSON lines), reading at most `cap_bytes` and keeping the
/// `keep` longest polls. Spawn sites under `source_dir` (the build's working copy) are made
/// relative to it, like every other finding. A missing file is `present == false`.
runtime_trace_evidence read_runtime_trace(const std::filesystem::path& file,
                                          const std::filesystem::path& source_dir,
                                          std::size_t cap_bytes = std::size_t{4} << 20,
                                          std::size_t keep = 50);

/// The run's stdout parsed as JSON, or the parse error.
struct parsed_stdout {
    std::optional<nlohmann::json> report;
    std::string error;
};
parsed_stdout parse_report(const std::string& stdout_text);

} // namespace grader
