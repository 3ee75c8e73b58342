// grader explain [CODE]: what a compiler error means and its smallest fix, without a
// submission (the explainer's table: grader/diagnostics/explain.hpp). Without CODE: the list.

#include "grader/diagnostics/explain.hpp"

#include "cli.hpp"

#include <iostream>

namespace grader::cli {

namespace {

int run_explain(const std::string& code) {
    if (code.empty()) {
        for (const auto& e : explainer_table()) {
            std::cout << e.code << " (" << e.language << "): " << e.title << "\n";
        }
        return passed;
    }
    const auto* e = find_explainer(code);
    if (e == nullptr) {
        std::cerr << "grader: no explanation for '" << code
                  << "'; `grader explain` lists the codes it knows\n";
        return usage;
    }
    std::cout << render_explainer_entry(*e);
    return passed;
}

} // namespace

command setup_explain(CLI::App& app) {
    auto* sub = app.add_subcommand(
        "explain",
        "what a compiler error means and its smallest fix (E0373, future-not-send, ...)");
    auto code = std::make_shared<std::string>();
    sub->add_option("CODE", *code, "a rustc error code or lint, or an id `grader explain` lists");
    return {sub, [code] { return run_explain(*code); }};
}

} // namespace grader::cli
