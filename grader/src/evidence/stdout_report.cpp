#include "grader/evidence/stdout_report.hpp"

#include "grader/evidence/untrusted.hpp"

namespace grader {

using nlohmann::json;

parsed_stdout parse_report(const std::string& stdout_text) {
    parsed_stdout out;
    if (nesting_depth(stdout_text) > 32) {
        out.error = "JSON nested deeper than 32 levels";
        return out;
    }
    try {
        out.report = json::parse(stdout_text);
    } catch (const json::exception& e) { // parse_error, and out_of_range for 1e400
        out.error = e.what();
    }
    return out;
}

} // namespace grader
