// The engine: build, run each scenario, gather evidence, evaluate checks, total the scores.
// Each step is a function below, in the order grade() calls them.

#include "grader/engine.hpp"

#include "grader/checks/advice.hpp"
#include "grader/checks/checks.hpp"
#include "grader/evidence/gather.hpp"
#include "grader/evidence/static_analysis.hpp"
#include "grader/evidence/untrusted.hpp"
#include "scenarios.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <fstream>
#include <optional>
#include <unistd.h>

namespace grader {

namespace fs = std::filesystem;

namespace {

sandbox_limits limits_of(const rubric& rb) {
    sandbox_limits l;
    l.cpu_s = rb.limits.cpu_s;
    l.memory_mb = rb.limits.memory_mb;
    l.file_size_mb = rb.limits.file_size_mb;
    l.open_files = rb.limits.open_files;
    l.pids = rb.limits.pids;
    l.output_cap_bytes = static_cast<std::size_t>(rb.limits.output_kb) * 1024;
    return l;
}

// The grading's scratch space: "takehome-grader-<pid>-XXXXXX" (the pid lets a later grader
// sweep what a killed one left), traversable but not listable by the runs' uids.
fs::path make_work_root(const grade_options& options) {
    if (!options.work_root.empty()) {
        fs::create_directories(options.work_root);
        return options.work_root;
    }
    std::string templ =
        (fs::temp_directory_path() / ("takehome-grader-" + std::to_string(::getpid()) + "-XXXXXX"))
            .string();
    if (::mkdtemp(templ.data()) == nullptr) {
        throw fs::filesystem_error(
            "mkdtemp", fs::path(templ), std::error_code(errno, std::generic_category()));
    }
    fs::permissions(templ, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    return templ;
}

/// Removes the work root on every way out of grade(), unless it is to be kept.
class work_root_guard {
  public:
    work_root_guard(fs::path root, bool keep) : root_(std::move(root)), keep_(keep) {}
    work_root_guard(const work_root_guard&) = delete;
    work_root_guard& operator=(const work_root_guard&) = delete;
    ~work_root_guard() {
        if (!keep_) {
            std::error_code ec;
            fs::remove_all(root_, ec);
        }
    }

  private:
    fs::path root_;
    bool keep_;
};

grade_result start_result(const rubric& rb, const grade_options& options, const submission& sub) {
    grade_result result;
    result.mode = options.mode;
    result.submission_path = options.submission_dir.string();
    result.submission_name = sub.name;
    result.rubric_name = rb.name;
    result.rubric_version = rb.version;
    result.rubric_file = rb.file.string();
    result.rubric_hash = rb.content_hash;
    result.pass_mark = rb.pass_mark;
    return result;
}

build_request build_request_for(const rubric& rb, const submission& sub, const fs::path& work) {
    build_request request;
    request.work_dir = work / "build";
    request.steps_dir = work / "build-steps";
    const build_profile& profile = rb.profile_for(sub.from_manifest ? "other" : sub.language);
    request.timeout_s = profile.timeout_s;
    request.cxx_compiler = profile.compiler;
    request.limits = limits_of(rb);
    request.limits.memory_mb = std::max(request.limits.memory_mb, 8192); // rustc and linkers
    request.limits.cpu_s = request.timeout_s * 4;
    return request;
}

/// A scenario's result and, when it ran, the evidence its checks read.
struct scenario_run {
    const scenario_spec* spec;
    scenario_result result;
    std::optional<scenario_evidence> evidence;
    isolation_report isolation; ///< what the sandbox reached for this run
};

scenario_run not_run_scenario(const scenario_spec& spec, std::string why) {
    scenario_run sr{&spec, {}, std::nullopt, {}};
    sr.result.name = spec.name;
    sr.result.vis = spec.vis;
    sr.result.deadline_s = spec.deadline_s;
    sr.result.not_run_reason = std::move(why);
    return sr;
}

// The mock's scenario: its file, or the inline YAML written into the run directory.
fs::path scenario_file_for(const scenario_spec& spec, const fs::path& run_dir) {
    if (!spec.file.empty()) {
        return spec.file;
    }
    fs::create_directories(run_dir);
    std::ofstream(run_dir / "scenario.yaml") << spec.inline_yaml << "\n";
    return run_dir / "scenario.yaml";
}

// The program the build produced (not a shell or interpreter it is run with).
std::vector<fs::path> own_binaries(const build_outcome& build) {
    if (build.run_command.empty() || build.run_command.front() == "/bin/sh") {
        return {};
    }
    return {build.run_command.front()};
}

scenario_run run_scenario(const scenario_spec& spec,
                          const build_outcome& build,
                          const rubric& rb,
                          const grade_options& options,
                          const fs::path& work,
                          runner& run) {
    const fs::path run_dir = work / "runs" / spec.name;
    const auto started = std::chrono::steady_clock::now();
    auto finished =
        run.run(build, {run_dir, scenario_file_for(spec, run_dir), spec.deadline_s, limits_of(rb)});
    if (!finished) {
        return not_run_scenario(spec, finished.err().message);
    }
    const auto& outcome = finished.value().outcome;
    if (!outcome.error.empty()) {
        return not_run_scenario(spec, "sandbox: " + outcome.error);
    }
    auto ev = gather_evidence(spec,
                              outcome.run,
                              {outcome.journal,
                               finished.value().evidence_dir,
                               build.source_dir,
                               finished.value().probe_log,
                               own_binaries(build)});
    if (!ev) {
        return not_run_scenario(spec, ev.err().message);
    }
    scenario_run sr = not_run_scenario(spec, "");
    sr.result.ran = true;
    sr.isolation = outcome.isolation;
    sr.result.outcome = outcome.run;
    sr.result.fanout = ev.value().fanout;
    sr.result.runtime_trace = ev.value().runtime_trace;
    sr.result.blocking = ev.value().blocking;
    sr.result.evidence_files = ev.value().files;
    sr.result.overhead_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() -
        outcome.run.wall_s;
    if (options.keep_workdir) {
        sr.result.run_dir = run_dir.string();
    }
    sr.evidence = std::move(ev.value());
    return sr;
}

// The build's result and its checks.
void evaluate_build_checks(const rubric& rb, const build_outcome& build, grade_result& result) {
    const build_evidence evidence = gather_build_evidence(build);
    result.build = evidence.result;
    result.isolation = build.isolation.summary;
    result.isolation_detail = build.isolation;
    for (const auto& check : rb.checks) {
        if (check.what == category::build) {
            result.checks.push_back(evaluate_build(check, evidence));
        }
    }
}

// Every scenario check, per scenario it names, in rubric order.
// clippy's findings on a Rust build join the static ones, located like them.
void add_lints(const build_outcome& build, static_analysis& statics) {
    statics.rules.insert(statics.rules.end(), build.lint_rules.begin(), build.lint_rules.end());
    for (auto f : build.lint_findings) {
        f.excerpt = read_source_excerpt(build.source_dir, f.file, f.line);
        statics.findings.push_back(std::move(f));
    }
    if (!build.lint_note.empty()) {
        statics.errors.push_back(build.lint_note);
    }
}

// The blocking check: the runs it names that ran, and the static findings.
check_result blocking_check(const check_spec& check,
                            const std::vector<scenario_run>& runs,
                            const static_analysis& statics) {
    std::vector<const scenario_evidence*> judged;
    for (const auto& sr : runs) {
        if (sr.evidence &&
            std::find(check.scenarios.begin(), check.scenarios.end(), sr.spec->name) !=
                check.scenarios.end()) {
            judged.push_back(&*sr.evidence);
        }
    }
    return evaluate_blocking(check, judged, statics);
}

void evaluate_scenario_checks(const rubric& rb,
                              const std::vector<scenario_run>& runs,
                              grade_result& result) {
    for (const auto& check : rb.checks) {
        if (check.what == category::build) {
            continue;
        }
        if (check.what == category::blocking) {
            result.checks.push_back(blocking_check(check, runs, result.statics));
            continue;
        }
        for (const auto& sr : runs) {
            if (std::find(check.scenarios.begin(), check.scenarios.end(), sr.spec->name) ==
                check.scenarios.end()) {
                continue;
            }
            result.checks.push_back(sr.evidence
                                        ? evaluate(check, *sr.evidence)
                                        : not_run(check, sr.spec->name, sr.result.not_run_reason));
        }
    }
}

// Located findings carry the lines around them, so a saved result renders without the
// submission.
void attach_excerpts(std::vector<check_result>& checks, const fs::path& source_dir) {
    for (auto& c : checks) {
        for (auto& f : c.findings) {
            if (!f.excerpt && !f.file.empty() && f.line > 0 && !source_dir.empty()) {
                f.excerpt = read_source_excerpt(source_dir, f.file, f.line);
            }
        }
    }
}

} // namespace

grade_result unfinished_result(const rubric& rb, const grade_options& options, std::string why) {
    submission unknown;
    unknown.name = options.submission_dir.filename().string();
    grade_result result = start_result(rb, options, unknown);
    result.grading_error = std::move(why);
    total_scores(result);
    return result;
}

void sweep_stale_work_roots(const fs::path& temp_dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(temp_dir, ec)) {
        const auto name = entry.path().filename().string();
        const std::string prefix = "takehome-grader-";
        pid_t owner = 0;
        if (name.rfind(prefix, 0) != 0 ||
            std::from_chars(name.data() + prefix.size(), name.data() + name.size(), owner).ec !=
                std::errc{} ||
            owner <= 0 || ::kill(owner, 0) == 0 || errno != ESRCH ||
            fs::exists(entry.path() / ".keep", ec)) {
            continue;
        }
        std::error_code removing;
        fs::remove_all(entry.path(), removing);
    }
}

common::result<grade_result> grade(const rubric& rb, const grade_options& options, runner& run) {
    auto sub = detect_submission(options.submission_dir);
    if (!sub) {
        return sub.err();
    }
    grade_result result = start_result(rb, options, sub.value());
    auto chosen = engine::select_scenarios(rb, options, result.hidden_scenarios_not_run);
    if (!chosen) {
        return chosen.err();
    }
    fs::path work;
    try {
        work = make_work_root(options);
    } catch (const fs::filesystem_error& e) {
        return common::error{common::errc::io, e.what()};
    }
    const work_root_guard cleanup(work, options.keep_workdir);
    if (options.keep_workdir) {
        std::ofstream(work / ".keep") << "kept with --keep-workdir: never swept\n";
    }
    auto built = run.build(sub.value(), build_request_for(rb, sub.value(), work));
    if (!built) {
        return built.err();
    }
    if (run.stop_requested()) {
        return common::error{common::errc::interrupted, "interrupted"};
    }
    const build_outcome& build = built.value();
    evaluate_build_checks(rb, build, result);
    // The working copy as built (generated files are skipped), or the submission itself.
    result.statics = analyse_sources(build.source_dir.empty() ? sub.value().dir : build.source_dir);
    add_lints(build, result.statics);
    std::vector<scenario_run> runs;
    for (const auto* spec : chosen.value()) {
        runs.push_back(build.ok ? run_scenario(*spec, build, rb, options, work, run)
                                : not_run_scenario(*spec, "the build failed"));
        if (runs.back().result.ran && result.isolation.empty()) {
            result.isolation = runs.back().isolation.summary;
            result.isolation_detail = runs.back().isolation;
        }
        if (run.stop_requested()) {
            return common::error{common::errc::interrupted, "interrupted"};
        }
    }
    if (result.isolation.empty()) { // no run: the build's sandbox is the one to report
        result.isolation = build.isolation.summary;
        result.isolation_detail = build.isolation;
    }
    evaluate_scenario_checks(rb, runs, result);
    attach_excerpts(result.checks, build.source_dir);
    add_advice(result);
    for (auto& sr : runs) {
        result.scenarios.push_back(std::move(sr.result));
    }
    total_scores(result);
    if (options.keep_workdir) {
        result.work_dir = work.string();
    }
    return result;
}

} // namespace grader
