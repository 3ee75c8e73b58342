// The real runner: builds and runs in the sandbox.

#include "grader/evidence/runtime_trace.hpp"
#include "grader/runner.hpp"

namespace grader {

namespace fs = std::filesystem;

std::map<std::string, std::string> candidate_environment(const fs::path& run_dir) {
    // Documented in grader/README.md: nothing of the grader's own environment leaks in.
    return {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
            {"HOME", (run_dir / "home").string()},
            {"TMPDIR", (run_dir / "tmp").string()},
            {"LANG", "C.UTF-8"},
            {"RT_TRACE_FILE", (run_dir / "evidence" / runtime_trace_file).string()}};
}

common::result<build_outcome> sandbox_runner::build(const submission& sub,
                                                    const build_request& request) {
    build_context ctx;
    ctx.work_dir = request.work_dir;
    ctx.cache_dir = options_.cache_dir;
    ctx.supervisor_exe = options_.supervisor_exe;
    ctx.runtime_package_dir = options_.runtime_package_dir;
    ctx.timeout_s = request.timeout_s;
    ctx.limits = request.limits;
    return build_submission(sub, ctx);
}

common::result<finished_run> sandbox_runner::run(const build_outcome& build,
                                                 const run_request& request) {
    for (const char* dir : {"home", "tmp", "evidence"}) {
        std::error_code ec;
        fs::create_directories(request.run_dir / dir, ec);
        if (ec) {
            return common::error{common::errc::io,
                                 "cannot create " + (request.run_dir / dir).string()};
        }
    }
    sandbox_spec spec;
    spec.run_dir = request.run_dir;
    spec.command = build.run_command;
    spec.cwd = build.run_cwd;
    spec.env = candidate_environment(request.run_dir);
    spec.deadline_s = request.deadline_s;
    spec.limits = request.limits;
    spec.mock_exe = options_.mock_exe;
    spec.mock_scenario = request.scenario_file;
    auto outcome = run_sandboxed(spec, options_.supervisor_exe);
    if (!outcome) {
        return outcome.err();
    }
    return finished_run{std::move(outcome.value()), request.run_dir / "evidence"};
}

} // namespace grader
