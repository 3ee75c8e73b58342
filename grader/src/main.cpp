// grader: grade take-home submissions against a rubric (see grader/README.md).
//
// Exit codes: 0 passed (or valid / exported), 1 below the pass mark, 2 usage, rubric or
// submission error, 3 internal error.

#include "grader/engine.hpp"
#include "grader/export_public.hpp"
#include "grader/report_terminal.hpp"
#include "grader/rubric.hpp"
#include "grader/sandbox.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

enum exit_code { passed = 0, below_pass_mark = 1, usage = 2, internal = 3 };

fs::path self_exe() { return fs::read_symlink("/proc/self/exe"); }

// mock_api next to the grader in an install, or in the build tree.
fs::path find_mock_exe() {
    const fs::path dir = self_exe().parent_path();
    for (const auto& p :
         {dir / "mock_api", dir / "../mock_api/mock_api", fs::path(TG_MOCK_API_EXE)}) {
        if (::access(p.c_str(), X_OK) == 0) {
            return fs::canonical(p);
        }
    }
    return {};
}

// The runtime's CMake package for C++ submissions: $TG_RUNTIME_DIR, else an install next to
// the grader (<prefix>/bin/grader -> <prefix>/lib/cmake/takehome_runtime), else this build
// tree's package, else the configured install prefix. Empty when none has a config file.
fs::path find_runtime_package() {
    std::vector<fs::path> candidates;
    if (const char* dir = std::getenv("TG_RUNTIME_DIR")) {
        std::error_code ec;
        if (!fs::exists(fs::path(dir) / "takehome_runtime-config.cmake", ec)) {
            std::cerr << "grader: TG_RUNTIME_DIR=" << dir
                      << " has no takehome_runtime-config.cmake; ignoring it\n";
        }
        candidates.emplace_back(dir);
    }
    const fs::path prefix = self_exe().parent_path().parent_path();
    for (const char* libdir : {"lib", "lib64", "lib/x86_64-linux-gnu"}) {
        candidates.push_back(prefix / libdir / "cmake/takehome_runtime");
    }
    candidates.emplace_back(TG_RUNTIME_PACKAGE_DIR); // "" in sanitizer builds (grader/CMakeLists)
    candidates.emplace_back(TG_RUNTIME_INSTALLED_DIR);
    for (const auto& dir : candidates) {
        std::error_code ec;
        if (dir.empty()) {
            continue;
        }
        if (fs::exists(dir / "takehome_runtime-config.cmake", ec)) {
            return fs::canonical(dir, ec);
        }
    }
    return {};
}

fs::path default_cache_dir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME")) {
        return fs::path(xdg) / "takehome-grader";
    }
    const char* home = std::getenv("HOME");
    return fs::path(home ? home : "/tmp") / ".cache/takehome-grader";
}

int report(const grader::grade_result& result, const std::string& json_target) {
    const auto json_text =
        result.to_json().dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (json_target == "-") {
        std::cout << json_text;
    } else {
        std::cout << grader::render_terminal(result, ::isatty(STDOUT_FILENO) != 0);
        if (!json_target.empty()) {
            std::ofstream out(json_target);
            out << json_text;
            if (!out) {
                std::cerr << "grader: cannot write " << json_target << "\n";
                return internal;
            }
        }
    }
    return result.passed ? passed : below_pass_mark;
}

int run_grade(const std::string& rubric_file,
              grader::grade_options options,
              const std::string& json_target) {
    auto rb = grader::load_rubric(rubric_file);
    if (!rb) {
        std::cerr << "grader: " << rb.err().message << "\n";
        return usage;
    }
    options.supervisor_exe = self_exe();
    options.mock_exe = find_mock_exe();
    if (options.mock_exe.empty()) {
        std::cerr << "grader: cannot find the mock_api executable next to the grader\n";
        return internal;
    }
    if (options.cache_dir.empty()) {
        options.cache_dir = default_cache_dir();
    }
    options.runtime_package_dir = find_runtime_package();
    auto result = grader::grade(rb.value(), options);
    if (!result) {
        std::cerr << "grader: " << result.err().message << "\n";
        return result.err().code == common::errc::invalid_input ? usage : internal;
    }
    return report(result.value(), json_target);
}

int run_validate(const std::string& rubric_file) {
    auto rb = grader::load_rubric(rubric_file);
    if (!rb) {
        std::cerr << "grader: " << rb.err().message << "\n";
        return usage;
    }
    const auto& r = rb.value();
    int hidden = 0;
    for (const auto& s : r.scenarios) {
        hidden += s.vis == grader::visibility::hidden ? 1 : 0;
    }
    std::cout << rubric_file << ": ok: " << r.name << " " << r.version << ", " << r.scenarios.size()
              << " scenarios (" << hidden << " hidden), " << r.checks.size() << " checks, "
              << r.content_hash << "\n";
    return passed;
}

int run_export_public(const std::string& rubric_file, const std::string& out_dir) {
    auto hidden = grader::export_public(rubric_file, out_dir);
    if (!hidden) {
        std::cerr << "grader: " << hidden.err().message << "\n";
        return hidden.err().code == common::errc::invalid_input ? usage : internal;
    }
    std::cout << "exported " << rubric_file << " to " << out_dir << " (" << hidden.value()
              << " hidden scenario(s) left out)\n";
    return passed;
}

} // namespace

int main(int argc, char** argv) {
    // The sandbox supervisor must start before anything creates a thread.
    if (argc == 3 && std::string(argv[1]) == "__sandbox") {
        return grader::sandbox_main(argv[2]);
    }
    CLI::App app{"grader: measured, explained grading of async take-home submissions"};
    app.require_subcommand(1);
    const std::string default_rubric = std::string(TG_SOURCE_DIR) + "/rubrics/jobs-fanout.yaml";

    auto* validate = app.add_subcommand("validate", "check a rubric and the scenarios it names");
    std::string validate_file;
    validate->add_option("RUBRIC", validate_file, "rubric YAML")->required();

    grader::grade_options grade_opts;
    std::string grade_rubric = default_rubric;
    std::string grade_json;
    auto* grade =
        app.add_subcommand("grade", "grade a submission on every scenario (reviewer view)");
    grade->add_option("DIR", grade_opts.submission_dir, "submission directory")->required();
    grade->add_option("--rubric", grade_rubric, "rubric YAML")->capture_default_str();
    grade->add_option("--json", grade_json, "write the result JSON to FILE, or - for stdout only");
    grade->add_option(
        "--scenario", grade_opts.only_scenarios, "run only these scenarios (repeatable)");
    grade->add_flag("--keep-workdir",
                    grade_opts.keep_workdir,
                    "keep builds and run directories (paths in the JSON)");
    grade->add_option("--cache-dir",
                      grade_opts.cache_dir,
                      "warm dependency cache (default ~/.cache/takehome-grader)");

    grader::grade_options check_opts;
    check_opts.submission_dir = ".";
    check_opts.visible_only = true;
    check_opts.mode = "check";
    std::string check_rubric = default_rubric;
    std::string check_json;
    auto* check = app.add_subcommand("check", "candidate self-check on the visible scenarios");
    check->add_option("DIR", check_opts.submission_dir, "submission directory")
        ->capture_default_str();
    check->add_option("--rubric", check_rubric, "rubric YAML (a public export is enough)")
        ->capture_default_str();
    check->add_option("--json", check_json, "write the result JSON to FILE, or - for stdout only");
    check->add_option("--cache-dir", check_opts.cache_dir, "warm dependency cache");

    std::string export_rubric;
    std::string export_dir;
    auto* exp = app.add_subcommand("export-public",
                                   "write a candidate-safe copy of a rubric (no hidden scenarios)");
    exp->add_option("RUBRIC", export_rubric, "rubric YAML")->required();
    exp->add_option("-o,--output", export_dir, "output directory")->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? passed : usage;
    }
    try {
        if (*validate) {
            return run_validate(validate_file);
        }
        if (*grade) {
            return run_grade(grade_rubric, grade_opts, grade_json);
        }
        if (*check) {
            return run_grade(check_rubric, check_opts, check_json);
        }
        return run_export_public(export_rubric, export_dir);
    } catch (const std::exception& e) {
        std::cerr << "grader: internal error: " << e.what() << "\n";
        return internal;
    }
}
