// The real runner: builds and runs in the sandbox.

#include "grader/evidence/blocking.hpp"
#include "grader/evidence/runtime_trace.hpp"
#include "grader/runner.hpp"
#include "grader/sandbox/identity.hpp"

#include <unistd.h>

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

common::result<std::filesystem::path> sandbox_runner::inject_probe(sandbox_spec& spec,
                                                                   const fs::path& run_dir) const {
    // Node's and Python's own detectors report to stderr; the evidence reader takes their
    // lines out of what the checks read.
    spec.env["NODE_OPTIONS"] = "--trace-sync-io";
    spec.env["PYTHONASYNCIODEBUG"] = "1";
    if (options_.probe_library.empty()) {
        return fs::path{};
    }
    // Its log goes where the candidate is not told to look, writable by the run's uid (the
    // probe runs in its processes: the log can condemn, never excuse).
    const fs::path log_dir = (run_dir / probe_log_file).parent_path();
    std::error_code ec;
    fs::create_directories(log_dir, ec);
    if (ec ||
        (options_.identity.uid >= 0 && ::chown(log_dir.c_str(),
                                               static_cast<uid_t>(options_.identity.uid),
                                               static_cast<gid_t>(options_.identity.gid)) != 0)) {
        return common::error{common::errc::io, "cannot prepare " + log_dir.string()};
    }
    spec.env["LD_PRELOAD"] = options_.probe_library.string();
    spec.env["TG_PROBE_LOG"] = (run_dir / probe_log_file).string();
    spec.view.push_back({options_.probe_library, view_access::read_only});
    spec.view.push_back({log_dir, view_access::read_write});
    return run_dir / probe_log_file;
}

common::result<build_outcome> sandbox_runner::build(const submission& sub,
                                                    const build_request& request) {
    build_context ctx;
    ctx.work_dir = request.work_dir;
    ctx.steps_dir = request.steps_dir;
    ctx.cache_dir = options_.cache_dir;
    ctx.supervisor_exe = options_.supervisor_exe;
    ctx.runtime_package_dir = options_.runtime_package_dir;
    ctx.cxx_compiler = request.cxx_compiler;
    ctx.timeout_s = request.timeout_s;
    ctx.limits = request.limits;
    ctx.identity = options_.identity;
    ctx.require_isolation = options_.require_isolation;
    return build_submission(sub, ctx);
}

bool sandbox_runner::stop_requested() const { return grader::stop_requested(); }

common::result<finished_run> sandbox_runner::run(const build_outcome& build,
                                                 const run_request& request) {
    // Owned by the run's uid; HOME and TMPDIR are on its private tmpfs when it has a root
    // of its own, these host directories otherwise.
    for (const char* dir : {"home", "tmp", "evidence"}) {
        std::error_code ec;
        fs::create_directories(request.run_dir / dir, ec);
        if (ec || (options_.identity.uid >= 0 &&
                   ::chown((request.run_dir / dir).c_str(),
                           static_cast<uid_t>(options_.identity.uid),
                           static_cast<gid_t>(options_.identity.gid)) != 0)) {
            return common::error{common::errc::io,
                                 "cannot prepare " + (request.run_dir / dir).string()};
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
    // Its working copy (writes stay in the run), what it writes for the grader, and what the
    // build says the program needs.
    spec.view = {{build.source_dir, view_access::overlay},
                 {request.run_dir / "evidence", view_access::collected}};
    spec.view.insert(spec.view.end(), build.run_view.begin(), build.run_view.end());
    spec.scratch = {request.run_dir / "home", request.run_dir / "tmp"};
    auto probe_log = inject_probe(spec, request.run_dir);
    if (!probe_log) {
        return probe_log.err();
    }
    spec.identity = options_.identity;
    spec.cgroup_name = next_cgroup_name();
    spec.require_isolation = options_.require_isolation;
    auto outcome = run_sandboxed(spec, options_.supervisor_exe);
    if (!outcome) {
        return outcome.err();
    }
    return finished_run{
        std::move(outcome.value()), request.run_dir / "evidence", probe_log.value()};
}

common::result<isolation_report> sandbox_runner::check_isolation() const {
    // In TMPDIR, named like a work root ("takehome-grader-<pid>-..."), so that a later grader
    // sweeps it if this one is killed.
    std::string templ = (fs::temp_directory_path() /
                         ("takehome-grader-" + std::to_string(::getpid()) + "-isolation-XXXXXX"))
                            .string();
    if (::mkdtemp(templ.data()) == nullptr) {
        return common::error{common::errc::io,
                             "cannot create a scratch directory in " +
                                 fs::temp_directory_path().string()};
    }
    const fs::path dir = templ;
    sandbox_spec spec;
    spec.run_dir = dir;
    spec.command = {"/bin/true"};
    spec.cwd = "/";
    spec.env = {{"PATH", "/usr/bin:/bin"}};
    spec.identity = options_.identity;
    spec.cgroup_name = next_cgroup_name();
    auto outcome = run_sandboxed(spec, options_.supervisor_exe);
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (!outcome) {
        return outcome.err();
    }
    if (!outcome.value().error.empty()) {
        auto report = outcome.value().isolation;
        report.unavailable.push_back("the sandbox itself: " + outcome.value().error);
        return report;
    }
    return outcome.value().isolation;
}

} // namespace grader
