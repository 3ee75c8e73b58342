#pragma once
// The sandbox: runs one command (a build, or a candidate's run against a fresh mock_api) as
// an unprivileged uid of its own with no capabilities, no_new_privs and a seccomp filter, in a
// private network namespace where loopback is the only interface, a PID namespace and a root
// of its own (only the system directories read-only and what the spec's view lists), inside
// memory and process-count cgroups: nothing it does reaches the host, and nothing it starts
// outlives it. What was in force, and what was not, is reported with every outcome.
//
// Process model. The grader never runs candidate code in its own process. For each run it
// starts `grader __sandbox SPEC.json` (the supervisor, src/sandbox/supervisor.cpp;
// single-threaded, so fork is safe), which
//   1. enters new namespaces (namespaces.cpp): unshare(NET|PID|NS) as root, else with a user
//      namespace, else none (host loopback; said in `isolation`), and brings `lo` up;
//   2. creates the run's cgroups (cgroup.cpp) and forks the runner (runner.cpp), PID 1 of the
//      new PID namespace. The runner starts mock_api if asked (mock_process.cpp, as the mock's
//      uid) and waits for its "listening on" line, starts the command in its own process group
//      confined (confine.cpp: cgroups, a private root from view.cpp, rlimits, the uid switch,
//      no capabilities, no_new_privs, seccomp.cpp's filter), captures stdout/stderr up to a
//      cap, kills the group at the deadline, kills whatever the command left (leftovers.cpp),
//      stops the mock with SIGTERM (the journal is written), and writes outcome.json. When the
//      runner exits the kernel kills whatever is left in its namespace;
//   3. waits for the runner with a hard deadline of its own and SIGKILLs it past that (or at
//      once when the grader goes away: its parent-death signal), then removes the cgroups.
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

/// Limits the kernel enforces on the command. Memory is limited by what a program uses (a
/// memory cgroup), not by what it maps: V8, Go and the JVM reserve far more address space than
/// they touch, so there is no RLIMIT_AS (without a cgroup, RLIMIT_DATA stands in).
struct sandbox_limits {
    int cpu_s = 60;
    int memory_mb = 4096;
    int pids = 512; ///< processes and threads (pids cgroup; RLIMIT_NPROC of the run's own uid)
    int file_size_mb = 64;
    int open_files = 1024;
    int disk_mb = 512; ///< what it may write outside bound directories (its private tmpfs root)
    std::size_t output_cap_bytes = 1 << 20;         ///< kept per stream; the rest is counted
    std::uint64_t output_kill_bytes = 256ull << 20; ///< dropped past this: the command is killed
};

/// How a host path is shown to the command (at the same path, so that compiler paths, spawn
/// sites and executables mean the same inside and out).
enum class view_access {
    read_only,
    read_write, ///< writes reach the host (build outputs)
    overlay,    ///< writable, but writes stay in the run's tmpfs (a run's working copy)
    /// Writable, on a tmpfs of its own that holds at most limits.file_size_mb; when the command
    /// has ended its regular files (not directories, links or devices) are copied to the host
    /// directory (what a run writes for the grader: its evidence).
    collected,
};

struct view_path {
    std::filesystem::path path;
    view_access access = view_access::read_only;
};

/// Who runs: the command as a real unprivileged uid of its own and the mock as another; -1
/// when the grader cannot switch (not root), said in the isolation report.
struct sandbox_identity {
    int uid = -1;
    int gid = -1;
    int mock_uid = -1;
    int mock_gid = -1;
};

struct sandbox_spec {
    std::filesystem::path run_dir;          ///< outcome.json, mock/ (journal), root/ go here
    std::vector<std::string> command;       ///< argv; argv[0] absolute or found on env PATH
    std::filesystem::path cwd;              ///< the command's working directory
    std::map<std::string, std::string> env; ///< the whole environment the command sees
    double deadline_s = 10;                 ///< wall-clock limit of the command
    sandbox_limits limits;
    std::filesystem::path mock_exe;      ///< empty: no mock (builds)
    std::filesystem::path mock_scenario; ///< scenario file for the mock
    /// What the command sees besides the system directories (/usr, /etc, the /bin and /lib
    /// links), a /proc of its own, a minimal /dev and a private /tmp.
    std::vector<view_path> view;
    /// Empty directories the command owns (HOME, TMPDIR), on its private tmpfs.
    std::vector<std::filesystem::path> scratch;
    sandbox_identity identity;
    std::string cgroup_name;        ///< unique per run, "tg-<grader pid>-<n>"; "" for none
    bool require_isolation = false; ///< refuse to run with any measure unavailable

    nlohmann::json to_json() const;
    static sandbox_spec from_json(const nlohmann::json& doc);
};

/// What happened: the command's outcome (exit code and signal kept apart: Boost.Process v2
/// folds a terminating signal into exit_code(), so the sandbox reads the raw wait status),
/// and the sandbox's own side of it.
struct sandbox_outcome {
    isolation_report isolation;
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

/// In the grader: SIGINT, SIGTERM and SIGHUP no longer kill it outright. The running
/// supervisors are told to stop (they kill their run and remove its cgroups), and gradings
/// stop at their next step (stop_requested()), removing their work directories.
void install_stop_handlers();

/// A stop signal has arrived.
bool stop_requested();

/// Removes what graders that are no longer running left behind (they were killed with
/// SIGKILL): their cgroups. Runs of live graders are left alone.
void sweep_stale_sandboxes();

/// The supervisor's entry point (`grader __sandbox SPEC.json`); returns the process exit code.
/// Must be called before the process starts any thread.
int sandbox_main(const std::filesystem::path& spec_file);

} // namespace grader
