// grader report RESULT.json: a saved result rendered again in any format, without the
// submission (findings carry their source lines, scenarios their request timelines).

#include "cli.hpp"
#include "common/text_file.hpp"
#include "grader/model/result_json.hpp"

#include <iostream>

namespace grader::cli {

namespace {

struct report_options {
    std::string result_file;
    std::string format = "terminal";
    std::string output;
};

// A result file is what `grade --json` wrote: a few MiB at most (stdout and stderr are cut
// at 64 KiB per scenario in it).
constexpr std::size_t max_result_bytes = 256ull * 1024 * 1024;

int run_report(const report_options& o) {
    auto text = common::read_regular_file(o.result_file, max_result_bytes);
    if (!text) {
        std::cerr << "grader: " << text.err().message << "\n";
        return usage;
    }
    auto doc = nlohmann::json::parse(text.value(), nullptr, false);
    if (doc.is_discarded()) {
        std::cerr << "grader: " << o.result_file << ": not JSON\n";
        return usage;
    }
    auto result = grade_result_from_json(doc);
    if (!result) {
        std::cerr << "grader: " << o.result_file << ": " << result.err().message << "\n";
        return usage;
    }
    grade_command_options out;
    out.format = o.format;
    out.output = o.output;
    return write_outputs(result.value(), out) == internal ? internal : passed;
}

} // namespace

command setup_report(CLI::App& app) {
    auto* sub = app.add_subcommand(
        "report", "render a saved result (grade --json FILE) again, in any format");
    auto o = std::make_shared<report_options>();
    sub->add_option("RESULT", o->result_file, "a result JSON written by grade or check")
        ->required();
    sub->add_option("--format", o->format, "output format")
        ->check(CLI::IsMember(format_names()))
        ->capture_default_str();
    sub->add_option("-o,--output", o->output, "write to FILE (default: stdout)");
    return {sub, [o] { return run_report(*o); }};
}

} // namespace grader::cli
