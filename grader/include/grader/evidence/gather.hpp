#pragma once
// Gathering: a finished build or scenario run in, the evidence the checks read out. Runs only
// run (grader/runner.hpp); evidence only reads what they left: the run's outcome, the mock's
// journal, the files in the run's evidence directory. Every check of a scenario reads the
// same scenario_evidence, gathered once.

#include "common/result.hpp"
#include "grader/build/build.hpp"
#include "grader/evidence/stdout_report.hpp"
#include "grader/model/result.hpp"
#include "grader/rubric.hpp"
#include "mock_api/oracle.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace grader {

/// What a build showed, as the build check sees it.
struct build_evidence {
    build_result result;
    bool timed_out = false;
    std::vector<finding> findings; ///< compiler and CMake diagnostics, located
};

build_evidence gather_build_evidence(const build_outcome& build);

/// Everything a scenario run showed, as the checks see it.
struct scenario_evidence {
    std::string scenario; ///< its name
    double deadline_s = 0;
    run_outcome run; ///< stderr without the runtimes' own diagnostics (evidence/blocking.hpp)
    fanout_evidence fanout;               ///< from the mock's journal
    runtime_trace_evidence runtime_trace; ///< RT_TRACE_FILE, when the runtime wrote it
    blocking_evidence blocking;           ///< blocking calls in async context (dynamic)
    std::vector<evidence_file> files;     ///< what the run left in its evidence directory
    mock_api::oracle oracle;              ///< what the scenario's answers imply
    std::vector<finding> crashes;         ///< from stderr and the wait status
    parsed_stdout report;                 ///< stdout as JSON
};

/// The evidence of a run whose journal has already been analysed: the oracle, crashes and
/// parsed stdout are derived here. Pure: what tests of the checks start from.
scenario_evidence
derive_evidence(const scenario_spec& spec, run_outcome run, fanout_evidence fanout);

/// Where a finished run left its files.
struct run_files {
    std::filesystem::path journal;      ///< the mock's journal (written by the mock)
    std::filesystem::path evidence_dir; ///< files the candidate's run wrote for the grader
    std::filesystem::path source_dir;   ///< the working copy (findings are relative to it)
    std::filesystem::path probe_log;    ///< the blocking-call probe's log; empty: not injected
    std::vector<std::filesystem::path> own_binaries; ///< the build's output (symbolised)
};

/// Reads a finished run: the journal (an unreadable journal is an error: the run cannot be
/// judged), the runtime trace and the evidence listing; then derive_evidence.
common::result<scenario_evidence>
gather_evidence(const scenario_spec& spec, const run_outcome& run, const run_files& files);

} // namespace grader
