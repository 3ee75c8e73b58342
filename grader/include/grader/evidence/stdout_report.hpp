#pragma once
// The candidate's report: its stdout parsed as one JSON document.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace grader {

/// The run's stdout parsed as JSON, or the parse error.
struct parsed_stdout {
    std::optional<nlohmann::json> report;
    std::string error;
};

/// Refuses documents nested deeper than 32 levels before parsing them.
parsed_stdout parse_report(const std::string& stdout_text);

} // namespace grader
