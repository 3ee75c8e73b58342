#include "grader/finding.hpp"

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

nlohmann::json to_json(const finding& f) {
    nlohmann::json j{{"id", f.id},
                     {"severity", to_string(f.level)},
                     {"file", f.file.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.file)},
                     {"line", f.line > 0 ? nlohmann::json(f.line) : nlohmann::json(nullptr)},
                     {"message", f.message}};
    if (f.column > 0) {
        j["column"] = f.column;
    }
    if (!f.detail.empty()) {
        j["detail"] = f.detail;
    }
    return j;
}

} // namespace grader
