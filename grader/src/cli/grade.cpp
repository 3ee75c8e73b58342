// grader grade DIR: every scenario, the reviewer's view. Also what `check` shares with it.

#include "cli.hpp"
#include "grader/report/renderer.hpp"

#include <iostream>

namespace grader::cli {

namespace {

std::vector<std::string> format_names() {
    std::vector<std::string> names;
    for (const auto& r : renderers()) {
        names.emplace_back(r.format);
    }
    return names;
}

} // namespace

void add_grading_options(CLI::App* sub, grade_command_options& o) {
    sub->add_option("--rubric", o.rubric, "rubric YAML")->capture_default_str();
    sub->add_option("--json", o.json_target, "also write the result JSON to FILE; - for only it");
    sub->add_option("--format", o.format, "output format")
        ->check(CLI::IsMember(format_names()))
        ->capture_default_str();
    sub->add_option("-o,--output", o.output, "write the output to FILE (default: stdout)");
    sub->add_option("--cache-dir", o.cache_dir, "warm dependency cache")
        ->default_str(default_cache_dir().string());
}

int run_grade(const grade_command_options& o) {
    auto rb = load_rubric(o.rubric);
    if (!rb) {
        std::cerr << "grader: " << rb.err().message << "\n";
        return usage;
    }
    sandbox_runner_options where;
    where.supervisor_exe = self_exe();
    where.mock_exe = find_mock_exe();
    if (where.mock_exe.empty()) {
        std::cerr << "grader: cannot find the mock_api executable next to the grader\n";
        return internal;
    }
    where.cache_dir = o.cache_dir.empty() ? default_cache_dir() : o.cache_dir;
    where.runtime_package_dir = find_runtime_package();
    sandbox_runner runner(where);
    auto result = grade(rb.value(), o.grade, runner);
    if (!result) {
        std::cerr << "grader: " << result.err().message << "\n";
        return result.err().code == common::errc::invalid_input ? usage : internal;
    }
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
