#include "grader/evidence/script_crash.hpp"

#include "grader/evidence/untrusted.hpp"

#include <regex>

namespace grader {

namespace fs = std::filesystem;

namespace {

// The candidate's frame: a file in the working copy (absolute paths made relative).
bool own_frame(const std::string& file, const fs::path& source_dir, std::string& relative) {
    std::string path = file.rfind("file://", 0) == 0 ? file.substr(7) : file;
    relative = relative_to_source(path, source_dir);
    return !relative.empty() && relative.front() != '/' && relative.rfind("node:", 0) != 0;
}

// "Traceback (most recent call last):", frames '  File "P", line N, in F', then the
// exception's own line ("KeyError: 'name'").
std::optional<finding> python_traceback(const std::vector<std::string_view>& lines,
                                        const fs::path& source_dir) {
    static const std::regex frame(R"re(^  File "([^"]{1,400})", line (\d{1,9}), in (.{1,200})$)re");
    static const std::regex exception(
        R"(^([A-Za-z_][\w.]{0,100}(?:Error|Exception|Exit|Interrupt|Warning|Incomplete\w*|\w*Read)?)(?:: (.*))?$)");
    std::optional<finding> found;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i] != "Traceback (most recent call last):") {
            continue;
        }
        finding f{"uncaught-exception", severity::error, "", 0, 0, "", "", std::nullopt, {}};
        std::size_t j = i + 1;
        for (; j < lines.size() && lines[j].rfind("  ", 0) == 0; ++j) {
            const std::string text(lines[j]);
            std::smatch m;
            std::string rel;
            if (std::regex_match(text, m, frame) && own_frame(m[1].str(), source_dir, rel)) {
                f.file = rel;
                f.line = std::stoi(m[2].str());
            }
        }
        const std::string last = j < lines.size() ? std::string(lines[j]) : "";
        std::smatch m;
        const bool named = std::regex_match(last, m, exception);
        f.message = "uncaught Python exception " + (named ? m[1].str() : std::string("(unnamed)")) +
                    (named && m[2].matched ? ": " + m[2].str() : "");
        found = f; // the last traceback is the one that ended the program
    }
    return found;
}

// "TypeError: x is not a function" then "    at fn (/src/index.js:12:5)" lines; Node prints
// it for an uncaught exception or an unhandled rejection and exits 1.
std::optional<finding> node_stack(const std::vector<std::string_view>& lines,
                                  const fs::path& source_dir) {
    static const std::regex error(
        R"(^(?:Uncaught )?([A-Z]\w{0,60}(?:Error|Exception|Rejection\w*)|Error)(?: \[\w+\])?: (.{0,300})$)");
    static const std::regex at(
        R"(^\s+at (?:.{0,200} \()?((?:file://)?/[^():]{1,400}):(\d{1,9}):\d{1,9}\)?$)");
    for (std::size_t i = lines.size(); i-- > 0;) {
        const std::string text(lines[i]);
        std::smatch m;
        if (!std::regex_match(text, m, error)) {
            continue;
        }
        finding f{"uncaught-exception",
                  severity::error,
                  "",
                  0,
                  0,
                  "uncaught Node.js " + m[1].str() + ": " + m[2].str(),
                  "",
                  std::nullopt,
                  {}};
        for (std::size_t j = i + 1;
             j < lines.size() && lines[j].find(" at ") != std::string_view::npos;
             ++j) {
            const std::string frame_text(lines[j]);
            std::smatch fm;
            std::string rel;
            if (std::regex_match(frame_text, fm, at) && own_frame(fm[1].str(), source_dir, rel)) {
                f.file = rel;
                f.line = std::stoi(fm[2].str());
                break;
            }
        }
        return f;
    }
    return std::nullopt;
}

} // namespace

std::vector<finding> analyse_script_crash(const run_outcome& run, const fs::path& source_dir) {
    if (run.exit_code.value_or(0) == 0 || run.timed_out) {
        return {};
    }
    const auto lines = bounded_lines(run.stderr_text, 1024);
    if (auto f = python_traceback(lines, source_dir)) {
        return {*f};
    }
    const bool node_died = run.stderr_text.find("triggerUncaughtException") != std::string::npos ||
                           run.stderr_text.find("\n    ^\n") != std::string::npos ||
                           run.stderr_text.find("[UnhandledPromiseRejection") != std::string::npos;
    if (node_died) {
        if (auto f = node_stack(lines, source_dir)) {
            return {*f};
        }
    }
    return {};
}

} // namespace grader
