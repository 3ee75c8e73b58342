// grader export-public RUBRIC -o DIR

#include "grader/export_public.hpp"

#include "cli.hpp"

#include <iostream>

namespace grader::cli {

namespace {

struct export_options {
    std::string rubric;
    std::string out_dir;
};

int run_export_public(const export_options& o) {
    auto hidden = export_public(o.rubric, o.out_dir);
    if (!hidden) {
        std::cerr << "grader: " << hidden.err().message << "\n";
        return hidden.err().code == common::errc::invalid_input ? usage : internal;
    }
    std::cout << "exported " << o.rubric << " to " << o.out_dir << " (" << hidden.value()
              << " hidden scenario(s) left out)\n";
    return passed;
}

} // namespace

command setup_export_public(CLI::App& app) {
    auto* sub = app.add_subcommand("export-public",
                                   "write a candidate-safe copy of a rubric (no hidden scenarios)");
    auto o = std::make_shared<export_options>();
    sub->add_option("RUBRIC", o->rubric, "rubric YAML")->required();
    sub->add_option("-o,--output", o->out_dir, "output directory")->required();
    return {sub, [o] { return run_export_public(*o); }};
}

} // namespace grader::cli
