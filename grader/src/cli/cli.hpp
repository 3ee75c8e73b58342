#pragma once
// The CLI layer: one file per subcommand, each with `setup_X(app)` (its options, as CLI11's
// own examples lay them out) and what running it does. main.cpp only dispatches and maps
// errors to exit codes. CLI11 appears nowhere else in the grader.

#include "grader/engine.hpp"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace grader::cli {

/// Documented in grader/README.md.
enum exit_code {
    passed = 0,
    below_pass_mark = 1,
    usage = 2,
    internal = 3,
    isolation_unavailable = 4, ///< --require-isolation and a measure is missing
    interrupted = 130,         ///< SIGINT/SIGTERM: runs stopped, work directories removed
};

/// A subcommand and what running it does once parsed.
struct command {
    CLI::App* app = nullptr;
    std::function<int()> run;
};

command setup_validate(CLI::App& app);
command setup_grade(CLI::App& app);
command setup_check(CLI::App& app);
command setup_export_public(CLI::App& app);
command setup_lint(CLI::App& app);
command setup_report(CLI::App& app);
command setup_batch(CLI::App& app);
command setup_merge(CLI::App& app);
command setup_export_gradescope(CLI::App& app);
command setup_explain(CLI::App& app);

/// Every renderer's `--format` name (grader/report/renderer.hpp).
std::vector<std::string> format_names();

/// Options `grade` and `check` share.
struct grade_command_options {
    grade_options grade;
    std::string rubric;
    std::filesystem::path cache_dir;
    std::string json_target; ///< --json FILE, or "-" for only the JSON on stdout
    std::string format = "terminal";
    std::string output; ///< -o FILE; empty: stdout
    bool require_isolation = false;
    std::string uid_range;              ///< "61000-61999"; empty: $TG_SANDBOX_UIDS or the default
    std::uint64_t build_disk_mb = 4096; ///< the grading's work area (builds' disk budget)
};

/// Adds --rubric, --json, --format, -o and --cache-dir to a grading subcommand.
void add_grading_options(CLI::App* sub, grade_command_options& options);

/// Loads the rubric, grades in the sandbox and writes the outputs; the exit code.
int run_grade(grade_command_options options);

/// Writes the result as asked (format to -o or stdout, --json beside it); the exit code.
int write_outputs(const grade_result& result, const grade_command_options& options);

// --- locations.cpp: where the grader finds its parts --------------------------------------

std::filesystem::path self_exe();
/// mock_api next to the grader in an install, or in the build tree; empty when absent.
std::filesystem::path find_mock_exe();
/// The runtime's CMake package for C++ submissions; empty when there is none.
std::filesystem::path find_runtime_package();
std::filesystem::path default_cache_dir();
/// The blocking-call probe: $TG_PROBE_LIBRARY, next to an installed grader, or the build
/// tree's; empty when there is none.
std::filesystem::path find_probe_library();
std::string default_rubric();

} // namespace grader::cli
