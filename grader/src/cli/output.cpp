// Writing a result: the chosen format to -o or stdout, and the JSON beside it (--json).

#include "cli.hpp"
#include "common/text_file.hpp"
#include "grader/report/json.hpp"
#include "grader/report/renderer.hpp"

#include <iostream>
#include <unistd.h>

namespace grader::cli {

namespace {

// Files are replaced atomically: a reader never sees half a report.
bool write_to(const std::string& target, const std::string& text) {
    if (target.empty()) {
        std::cout << text;
        return static_cast<bool>(std::cout.flush());
    }
    const auto written = common::write_text_atomic(target, text);
    if (!written) {
        std::cerr << "grader: " << written.err().message << "\n";
    }
    return written.ok();
}

} // namespace

int write_outputs(const grade_result& result, const grade_command_options& o) {
    const int verdict = result.passed || result.mode == "lint" ? passed : below_pass_mark;
    if (o.json_target == "-") {
        return write_to("", render_json(result)) ? verdict : internal;
    }
    const renderer* chosen = find_renderer(o.format);
    render_options options;
    options.color = o.output.empty() && ::isatty(STDOUT_FILENO) != 0;
    if (chosen == nullptr || !write_to(o.output, chosen->render(result, options))) {
        return internal;
    }
    if (!o.json_target.empty() && !write_to(o.json_target, render_json(result))) {
        return internal;
    }
    return verdict;
}

} // namespace grader::cli
