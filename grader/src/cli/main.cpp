// grader: grade take-home submissions against a rubric (see grader/README.md). main only
// dispatches to the subcommand files of this folder and maps errors to exit codes: 0 passed
// (or valid / exported), 1 below the pass mark, 2 usage, rubric or submission error,
// 3 internal error.

#include "cli.hpp"
#include "grader/sandbox/sandbox.hpp"

#include <iostream>

int main(int argc, char** argv) {
    // The sandbox supervisor must start before anything creates a thread.
    if (argc == 3 && std::string(argv[1]) == "__sandbox") {
        return grader::sandbox_main(argv[2]);
    }
    namespace cli = grader::cli;
    CLI::App app{"grader: measured, explained grading of async take-home submissions"};
    app.require_subcommand(1);
    const cli::command commands[] = {cli::setup_validate(app),
                                     cli::setup_grade(app),
                                     cli::setup_check(app),
                                     cli::setup_export_public(app),
                                     cli::setup_lint(app),
                                     cli::setup_report(app),
                                     cli::setup_batch(app),
                                     cli::setup_merge(app),
                                     cli::setup_export_gradescope(app),
                                     cli::setup_explain(app)};
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? cli::passed : cli::usage;
    }
    try {
        for (const auto& c : commands) {
            if (c.app->parsed()) {
                return c.run();
            }
        }
        return cli::usage;
    } catch (const std::exception& e) {
        std::cerr << "grader: internal error: " << e.what() << "\n";
        return cli::internal;
    }
}
