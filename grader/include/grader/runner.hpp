#pragma once
// The engine's one seam to the outside world: building a submission and running it against a
// scenario's mock. `sandbox_runner` does both in the sandbox; tests give the engine a fake
// that writes a journal instead of starting processes, and batch grading schedules runs
// through the same interface (ninja's DiskInterface is the model).

#include "common/result.hpp"
#include "grader/build/build.hpp"
#include "grader/rubric.hpp"
#include "grader/sandbox/sandbox.hpp"
#include "grader/submission.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace grader {

/// What the engine asks of a build.
struct build_request {
    std::filesystem::path work_dir; ///< scratch space of this build (working copy, target)
    /// The build steps' own files (spec, outcome): apart from work_dir, so that a build
    /// that fills its disk budget cannot keep the grader from reading how it ended.
    std::filesystem::path steps_dir;
    int timeout_s = 600;
    std::string cxx_compiler; ///< the rubric's cpp compiler (empty: the runtime package's)
    sandbox_limits limits;
};

/// What the engine asks of a scenario run.
struct run_request {
    std::filesystem::path run_dir;       ///< this run's directory (created by the engine)
    std::filesystem::path scenario_file; ///< the mock's scenario
    double deadline_s = 10;
    sandbox_limits limits;
};

/// A run that has ended, and where its files are.
struct finished_run {
    sandbox_outcome outcome;
    std::filesystem::path evidence_dir; ///< files the candidate's run wrote for the grader
    std::filesystem::path probe_log;    ///< the blocking-call probe's log; empty: not injected
};

class runner {
  public:
    virtual ~runner() = default;

    /// Builds the submission. A failed build is an outcome (with findings); errors are for
    /// the grader's own trouble.
    virtual common::result<build_outcome> build(const submission& sub,
                                                const build_request& request) = 0;

    /// Runs the built program against the scenario's mock. Errors: no outcome at all.
    virtual common::result<finished_run> run(const build_outcome& build,
                                             const run_request& request) = 0;

    /// The grading should stop (Ctrl-C, SIGTERM): checked between steps.
    virtual bool stop_requested() const { return false; }
};

/// Where the real runner finds its tools.
struct sandbox_runner_options {
    std::filesystem::path supervisor_exe; ///< this grader binary (runs `__sandbox`)
    std::filesystem::path mock_exe;       ///< the mock_api executable
    std::filesystem::path cache_dir;      ///< warm dependency builds
    /// Directory holding takehome_runtime-config.cmake (C++ submissions find the runtime
    /// there); empty: C++ builds get no runtime package.
    std::filesystem::path runtime_package_dir;
    sandbox_identity identity;      ///< the grading's uids (a uid_lease's); none: not root
    bool require_isolation = false; ///< a run with any measure unavailable is refused
    /// The blocking-call probe (libtg_probe.so), injected with LD_PRELOAD into every run;
    /// empty: none (the blocking check then says its dynamic half did not run).
    std::filesystem::path probe_library;
};

/// Builds and runs in the sandbox (grader/sandbox/sandbox.hpp).
class sandbox_runner final : public runner {
  public:
    explicit sandbox_runner(sandbox_runner_options options) : options_(std::move(options)) {}
    common::result<build_outcome> build(const submission& sub,
                                        const build_request& request) override;
    common::result<finished_run> run(const build_outcome& build,
                                     const run_request& request) override;
    bool stop_requested() const override;

    /// What a run would have: a trivial command run through the sandbox with this runner's
    /// identity. Errors: no outcome at all.
    common::result<isolation_report> check_isolation() const;

  private:
    /// Adds the probe and the runtimes' own detectors to a run; the probe's log, or "".
    common::result<std::filesystem::path> inject_probe(sandbox_spec& spec,
                                                       const std::filesystem::path& run_dir) const;

    sandbox_runner_options options_;
};

/// The environment a candidate's program sees in `run_dir` (JOBS_API_URL is added per run).
std::map<std::string, std::string> candidate_environment(const std::filesystem::path& run_dir);

} // namespace grader
