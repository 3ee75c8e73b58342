#include "grader/model/finding.hpp"

namespace grader {

std::string to_string(severity s) {
    switch (s) {
    case severity::info:
        return "info";
    case severity::warning:
        return "warning";
    case severity::error:
        return "error";
    }
    return "error";
}

severity severity_from_string(std::string_view name) {
    if (name == "info") {
        return severity::info;
    }
    return name == "warning" ? severity::warning : severity::error;
}

} // namespace grader
