// grader lint DIR: the static findings alone, fast: no build, no run. What a candidate runs
// before submitting and what a CI job posts to code scanning (--format sarif).

#include "cli.hpp"
#include "grader/evidence/static_analysis.hpp"
#include "grader/report/renderer.hpp"
#include "grader/submission.hpp"

#include <algorithm>
#include <iostream>
#include <unistd.h>

namespace grader::cli {

namespace {

struct lint_options {
    std::filesystem::path dir = ".";
    std::string format = "text";
    std::string output;
};

int run_lint(const lint_options& o) {
    std::error_code ec;
    if (!std::filesystem::is_directory(o.dir, ec)) {
        std::cerr << "grader: " << o.dir.string() << ": not a directory\n";
        return usage;
    }
    grade_result result;
    result.mode = "lint";
    result.submission_path = o.dir.string();
    result.submission_name = std::filesystem::absolute(o.dir).filename().string();
    if (auto sub = detect_submission(o.dir)) {
        result.build.language = sub.value().language;
    }
    result.statics = analyse_sources(o.dir);
    grade_command_options out;
    out.format = o.format;
    out.output = o.output;
    const int written = write_outputs(result, out);
    if (written == internal) {
        return internal;
    }
    const bool errors = std::any_of(result.statics.findings.begin(),
                                    result.statics.findings.end(),
                                    [](const finding& f) { return f.level == severity::error; });
    return errors ? below_pass_mark : passed;
}

} // namespace

command setup_lint(CLI::App& app) {
    auto* sub = app.add_subcommand(
        "lint", "static findings only (no build, no run); exit 1 when one is an error");
    auto o = std::make_shared<lint_options>();
    sub->add_option("DIR", o->dir, "submission directory")->capture_default_str();
    sub->add_option("--format", o->format, "text, json or sarif")
        ->check(CLI::IsMember({"text", "json", "sarif"}))
        ->capture_default_str();
    sub->add_option("-o,--output", o->output, "write to FILE (default: stdout)");
    return {sub, [o] { return run_lint(*o); }};
}

} // namespace grader::cli
