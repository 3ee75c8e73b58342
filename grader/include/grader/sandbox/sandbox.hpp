#pragma once
// The sandbox: runs one command (a build, or a candidate's run against a fresh mock_api) in a
// private network namespace where loopback is the only interface, and a PID namespace, so
// that nothing it starts outlives it and it reaches nothing but the mock.
//
// Process model. The grader never runs candidate code in its own process. For each run it
// starts `grader __sandbox SPEC.json` (the supervisor, src/sandbox/supervisor.cpp;
// single-threaded, so fork is safe), which
//   1. enters new namespaces (namespaces.cpp): unshare(NET|PID|NS) as root, else with a user
//      namespace, else none (host loopback; said in `isolation`), and brings `lo` up;
//   2. forks the runner (runner.cpp), PID 1 of the new PID namespace. The runner starts
//      mock_api if asked (mock_process.cpp) and waits for its "listening on" line, starts the
//      command in its own process group with rlimits and a clean environment, captures
//      stdout/stderr up to a cap, kills the group at the deadline, kills whatever the command
//      left (leftovers.cpp), stops the mock with SIGTERM (the journal is written), and writes
//      outcome.json. When the runner exits the kernel kills whatever is left in its namespace;
//      without a PID namespace it is a child subreaper instead;
//   3. waits for the runner with a hard deadline of its own and SIGKILLs it past that.
// Specs and outcomes travel through JSON files in the run directory (spec_json.cpp).

#include "common/result.hpp"
#include "grader/model/result.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace grader {

struct sandbox_limits {
    int cpu_s = 60;
    int memory_mb = 4096;
    int file_size_mb = 64;
    int open_files = 1024;
    std::size_t output_cap_bytes = 1 << 20; ///< per stream
};

struct sandbox_spec {
    std::filesystem::path run_dir;          ///< outcome.json, journal.json, mock.log go here
    std::vector<std::string> command;       ///< argv; argv[0] absolute or found on env PATH
    std::filesystem::path cwd;              ///< the command's working directory
    std::map<std::string, std::string> env; ///< the whole environment the command sees
    double deadline_s = 10;                 ///< wall-clock limit of the command
    sandbox_limits limits;
    std::filesystem::path mock_exe;      ///< empty: no mock (builds)
    std::filesystem::path mock_scenario; ///< scenario file for the mock
    bool allow_no_isolation = true;      ///< run on host loopback when namespaces fail

    nlohmann::json to_json() const;
    static sandbox_spec from_json(const nlohmann::json& doc);
};

/// What happened: the command's outcome (exit code and signal kept apart: Boost.Process v2
/// folds a terminating signal into exit_code(), so the sandbox reads the raw wait status),
/// and the sandbox's own side of it.
struct sandbox_outcome {
    /// "netns+pidns (root)", "netns+pidns (user namespace)", "none (host loopback)"
    std::string isolation;
    run_outcome run;
    std::string mock_url;          ///< where the mock listened (JOBS_API_URL)
    std::string error;             ///< the sandbox itself failed (not the command)
    std::filesystem::path journal; ///< mock journal file, if a mock ran

    nlohmann::json to_json() const;
    static sandbox_outcome from_json(const nlohmann::json& doc);
};

/// Runs `spec` through a supervisor process (`supervisor_exe __sandbox FILE`) and reads its
/// outcome. Fails (errc::internal) only when the supervisor could not produce an outcome.
common::result<sandbox_outcome> run_sandboxed(const sandbox_spec& spec,
                                              const std::filesystem::path& supervisor_exe);

/// The supervisor's entry point (`grader __sandbox SPEC.json`); returns the process exit code.
/// Must be called before the process starts any thread.
int sandbox_main(const std::filesystem::path& spec_file);

} // namespace grader
