#include "grader/diagnostics/cargo.hpp"

#include "grader/diagnostics/explain.hpp"
#include "grader/evidence/untrusted.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

namespace grader {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string relative_to(const std::string& file, const fs::path& base) {
    const fs::path p(file);
    if (p.is_relative()) {
        return file;
    }
    std::error_code ec;
    const auto rel = fs::relative(p, base, ec);
    return ec ? file : rel.string();
}

// A compiler-message of level error or warning, at its primary span.
std::optional<finding> diagnostic(const json& m, const fs::path& source) {
    const std::string level = m.value("level", "");
    if (level != "error" && level != "warning") {
        return std::nullopt;
    }
    // clippy's lints keep their name ("clippy::await_holding_lock"); rustc's are build-*.
    const auto code =
        m.contains("code") && m["code"].is_object() ? m["code"].value("code", "") : std::string();
    const bool clippy = code.rfind("clippy::", 0) == 0;
    finding f{clippy             ? code
              : level == "error" ? "build-error"
                                 : "build-warning",
              level == "error" ? severity::error : severity::warning,
              "",
              0,
              0,
              m.value("message", ""),
              m.value("rendered", ""),
              std::nullopt};
    for (const auto& span : m["spans"]) {
        if (span.value("is_primary", false)) {
            f.file = relative_to(span.value("file_name", ""), source);
            f.line = span.value("line_start", 0);
            f.column = span.value("column_start", 0);
            break;
        }
    }
    // The explainer may look up a declaration the diagnostic does not quote; only in the
    // working copy (read_source_excerpt refuses anything outside it).
    const auto file = f.file;
    f.explained = explain_rustc(m, [&source, file](int line) {
        const auto excerpt = read_source_excerpt(source, file, line, 0);
        return excerpt && !excerpt->lines.empty() ? excerpt->lines.front() : std::string();
    });
    return f;
}

} // namespace

cargo_messages parse_cargo_messages(const std::string& stdout_text, const fs::path& source) {
    cargo_messages out;
    std::stringstream lines(stdout_text);
    std::string line;
    const std::string own_package = "path+file://" + source.string();
    while (std::getline(lines, line)) {
        json msg = json::parse(line, nullptr, false);
        if (!msg.is_object()) {
            continue;
        }
        const std::string reason = msg.value("reason", "");
        const std::string package = msg.value("package_id", "");
        if (reason == "compiler-artifact" && package.rfind(own_package, 0) == 0 &&
            msg["executable"].is_string()) {
            out.executable = msg["executable"].get<std::string>();
            out.fresh = msg.value("fresh", true);
        } else if (reason == "compiler-message" && msg["message"].is_object()) {
            auto f = diagnostic(msg["message"], source);
            if (!f) {
                continue;
            }
            out.rendered += f->detail;
            if (f->level == severity::error || out.findings.size() < 20) {
                out.findings.push_back(std::move(*f));
            }
        }
    }
    return out;
}

} // namespace grader
