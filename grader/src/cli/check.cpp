// grader check [DIR]: the candidate's self-check, visible scenarios only.

#include "cli.hpp"

namespace grader::cli {

command setup_check(CLI::App& app) {
    auto* sub = app.add_subcommand("check", "candidate self-check on the visible scenarios");
    auto o = std::make_shared<grade_command_options>();
    o->rubric = default_rubric();
    o->grade.submission_dir = ".";
    o->grade.visible_only = true;
    o->grade.mode = "check";
    sub->add_option("DIR", o->grade.submission_dir, "submission directory")->capture_default_str();
    add_grading_options(sub, *o);
    return {sub, [o] { return run_grade(*o); }};
}

} // namespace grader::cli
