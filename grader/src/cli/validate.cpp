// grader validate RUBRIC

#include "cli.hpp"

#include <iostream>

namespace grader::cli {

namespace {

int run_validate(const std::string& rubric_file) {
    auto rb = load_rubric(rubric_file);
    if (!rb) {
        std::cerr << "grader: " << rb.err().message << "\n";
        return usage;
    }
    const auto& r = rb.value();
    int hidden = 0;
    for (const auto& s : r.scenarios) {
        hidden += s.vis == visibility::hidden ? 1 : 0;
    }
    std::cout << rubric_file << ": ok: " << r.name << " " << r.version << ", " << r.scenarios.size()
              << " scenarios (" << hidden << " hidden), " << r.checks.size() << " checks, "
              << r.content_hash << "\n";
    return passed;
}

} // namespace

command setup_validate(CLI::App& app) {
    auto* sub = app.add_subcommand("validate", "check a rubric and the scenarios it names");
    auto file = std::make_shared<std::string>();
    sub->add_option("RUBRIC", *file, "rubric YAML")->required();
    return {sub, [file] { return run_validate(*file); }};
}

} // namespace grader::cli
