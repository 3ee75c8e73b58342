// grader grade DIR: every scenario, the reviewer's view. Also what `check` shares with it.

#include "cli.hpp"
#include "grader/report/renderer.hpp"
#include "grader/sandbox/identity.hpp"
#include "grader/sandbox/work_area.hpp"

#include <cstdlib>
#include <iostream>
#include <optional>
#include <unistd.h>

namespace grader::cli {

std::vector<std::string> format_names() {
    std::vector<std::string> names;
    for (const auto& r : renderers()) {
        names.emplace_back(r.format);
    }
    return names;
}

void add_grading_options(CLI::App* sub, grade_command_options& o) {
    sub->add_option("--rubric", o.rubric, "rubric YAML")->capture_default_str();
    sub->add_option("--json", o.json_target, "also write the result JSON to FILE; - for only it");
    sub->add_option("--format", o.format, "output format")
        ->check(CLI::IsMember(format_names()))
        ->capture_default_str();
    sub->add_option("-o,--output", o.output, "write the output to FILE (default: stdout)");
    sub->add_option("--cache-dir", o.cache_dir, "warm dependency cache")
        ->default_str(default_cache_dir().string());
    sub->add_flag("--require-isolation",
                  o.require_isolation,
                  "refuse to run (exit 4) unless every sandbox measure is available");
    sub->add_option("--build-disk-mb",
                    o.build_disk_mb,
                    "the grading's work area (builds' working copies and targets), a tmpfs")
        ->capture_default_str();
    sub->add_option("--uid-range",
                    o.uid_range,
                    "uids the runs may use, in pairs (default $TG_SANDBOX_UIDS or 61000-61999)");
}

namespace {

// A uid pair of its own for this grading when the grader is root; none otherwise (said in
// the isolation report).
common::result<std::optional<uid_lease>> lease_uids(const std::string& range_text) {
    if (::geteuid() != 0) {
        return std::optional<uid_lease>{};
    }
    const char* env = std::getenv("TG_SANDBOX_UIDS");
    const std::string text = !range_text.empty() ? range_text : env != nullptr ? env : "";
    const auto range = text.empty() ? std::optional(uid_range{}) : parse_uid_range(text);
    if (!range) {
        return common::error{common::errc::invalid_input,
                             "bad uid range '" + text +
                                 "' (expected FIRST-LAST, e.g. 61000-61999)"};
    }
    auto lease = uid_lease::acquire(*range, default_uid_lock_dir);
    if (!lease) {
        return lease.err();
    }
    return std::optional<uid_lease>(std::move(lease.value()));
}

// --require-isolation: a trivial run first, refused (exit 4) with every missing measure.
int check_isolation(const sandbox_runner& runner, const std::string& also_missing) {
    auto isolation = runner.check_isolation();
    if (!isolation) {
        std::cerr << "grader: " << isolation.err().message << "\n";
        return isolation_unavailable;
    }
    if (!also_missing.empty()) {
        isolation.value().unavailable.push_back(also_missing);
    }
    if (isolation.value().unavailable.empty()) {
        return passed;
    }
    std::cerr << "grader: isolation required but unavailable (" << isolation.value().summary
              << "):\n";
    for (const auto& missing : isolation.value().unavailable) {
        std::cerr << "  - " << missing << "\n";
    }
    return isolation_unavailable;
}

// Where the runner finds its parts, and who its runs are.
common::result<sandbox_runner_options> runner_options(const grade_command_options& o,
                                                      const std::optional<uid_lease>& lease) {
    sandbox_runner_options where;
    where.supervisor_exe = self_exe();
    where.mock_exe = find_mock_exe();
    if (where.mock_exe.empty()) {
        return common::error{common::errc::internal,
                             "cannot find the mock_api executable next to the grader"};
    }
    where.cache_dir = o.cache_dir.empty() ? default_cache_dir() : o.cache_dir;
    where.runtime_package_dir = find_runtime_package();
    where.probe_library = find_probe_library();
    where.identity = lease ? lease->identity() : sandbox_identity{};
    where.require_isolation = o.require_isolation;
    return where;
}

// The grading's work area: a tmpfs of --build-disk-mb private to this grader (builds' disk
// budget); not with --keep-workdir (what is kept must outlive the grader), nor when the
// grader cannot mount. Said either way in the isolation report.
std::optional<work_area>
bounded_work_area(grade_command_options& o, std::string& measure, bool& available) {
    available = false;
    if (o.grade.keep_workdir) {
        measure = "builds' disk budget: none with --keep-workdir (a plain directory)";
        return std::nullopt;
    }
    auto area = work_area::create(std::filesystem::temp_directory_path(), o.build_disk_mb);
    if (!area) {
        measure = "builds' disk budget (" + area.err().message + ")";
        return std::nullopt;
    }
    measure = "builds' disk budget: a " + std::to_string(o.build_disk_mb) +
              " MB tmpfs private to this grading";
    available = true;
    o.grade.work_root = area.value().path();
    return std::optional<work_area>(std::move(area.value()));
}

void report_work_area(grade_result& r, const std::string& measure, bool available) {
    (available ? r.isolation_detail.in_force : r.isolation_detail.unavailable).push_back(measure);
    r.isolation += available ? "; build budget" : "; no build budget";
}

// grade(), with any exception of the grader's own turned into an error value.
common::result<grade_result>
grade_or_error(const rubric& rb, const grade_options& options, runner& run) {
    try {
        return grade(rb, options, run);
    } catch (const std::exception& e) {
        return common::error{common::errc::internal, std::string("internal error: ") + e.what()};
    }
}

int exit_code_of(common::errc code) {
    switch (code) {
    case common::errc::invalid_input:
        return usage;
    case common::errc::interrupted:
        return interrupted;
    default:
        return internal;
    }
}

} // namespace

int run_grade(grade_command_options o) {
    // First: a mount namespace of the grader's own must be entered before any thread starts.
    std::string area_measure;
    bool area_available = false;
    const auto area = bounded_work_area(o, area_measure, area_available);
    install_stop_handlers();
    sweep_stale_work_roots(std::filesystem::temp_directory_path());
    sweep_stale_sandboxes();
    auto rb = load_rubric(o.rubric);
    if (!rb) {
        std::cerr << "grader: " << rb.err().message << "\n";
        return usage;
    }
    auto lease = lease_uids(o.uid_range);
    if (!lease) {
        std::cerr << "grader: " << lease.err().message << "\n";
        return lease.err().code == common::errc::invalid_input ? usage : internal;
    }
    auto where = runner_options(o, lease.value());
    if (!where) {
        std::cerr << "grader: " << where.err().message << "\n";
        return internal;
    }
    sandbox_runner runner(where.value());
    if (o.require_isolation) {
        if (const int refused = check_isolation(runner, area_available ? "" : area_measure);
            refused != passed) {
            return refused;
        }
    }
    auto result = grade_or_error(rb.value(), o.grade, runner);
    if (!result) {
        // Still written, saying what failed: a batch or CI job never loses a result.
        std::cerr << "grader: " << result.err().message << "\n";
        auto unfinished = unfinished_result(rb.value(), o.grade, result.err().message);
        report_work_area(unfinished, area_measure, area_available);
        write_outputs(unfinished, o);
        return exit_code_of(result.err().code);
    }
    report_work_area(result.value(), area_measure, area_available);
    return write_outputs(result.value(), o);
}

command setup_grade(CLI::App& app) {
    auto* sub = app.add_subcommand("grade", "grade a submission on every scenario (reviewer view)");
    auto o = std::make_shared<grade_command_options>();
    o->rubric = default_rubric();
    sub->add_option("DIR", o->grade.submission_dir, "submission directory")->required();
    add_grading_options(sub, *o);
    sub->add_option("--scenario", o->grade.only_scenarios, "run only these scenarios (repeatable)");
    sub->add_flag("--keep-workdir",
                  o->grade.keep_workdir,
                  "keep builds and run directories (paths in the JSON)");
    return {sub, [o] { return run_grade(*o); }};
}

} // namespace grader::cli
