#pragma once
// Blocking-call evidence of a run, from every dynamic source: the LD_PRELOAD probe's log
// (grader/probe/), Node's --trace-sync-io and Python's asyncio debug mode (both on the run's
// stderr), and the C++ runtime's long polls when the probe saw a blocking call on the same
// thread. All of it is written by the candidate's own processes: it can condemn, never excuse.

#include "grader/model/result.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace grader {

/// Where the probe's log of a run is, relative to the run directory (not the evidence
/// directory the candidate is told about).
inline constexpr const char* probe_log_file = ".probe/probe.jsonl";

/// What a run's blocking evidence is read against.
struct blocking_inputs {
    std::filesystem::path probe_log;  ///< empty: the probe was not injected
    std::filesystem::path source_dir; ///< the working copy: the candidate's own frames
    /// Files the probe's addresses may be symbolised against (the submission's own build
    /// output: anything else in a forged log is ignored).
    std::vector<std::filesystem::path> own_binaries;
};

/// The runtimes' own diagnostics split from the candidate's stderr: what the checks read
/// without them (a "(node:5)" line must not name job 5), and the blocking calls they report.
struct stderr_diagnostics {
    std::string candidate_stderr;
    std::vector<blocking_call> calls;
};
stderr_diagnostics split_runtime_diagnostics(const std::string& stderr_text,
                                             const std::filesystem::path& source_dir);

/// Reads the probe's log (a candidate-writable file: untrusted, capped) and merges in the
/// stderr diagnostics and the runtime trace's long polls on the probe's threads.
blocking_evidence read_blocking_evidence(const blocking_inputs& inputs,
                                         const std::vector<blocking_call>& from_stderr,
                                         const runtime_trace_evidence& trace);

} // namespace grader
