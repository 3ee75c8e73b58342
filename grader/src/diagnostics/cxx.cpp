#include "grader/diagnostics/cxx.hpp"

#include "grader/diagnostics/explain.hpp"
#include "grader/evidence/untrusted.hpp"

#include <algorithm>
#include <optional>
#include <regex>
#include <sstream>

namespace grader {

namespace fs = std::filesystem;

namespace {

// A path inside the working copy, relative to it; empty for anything else (system headers,
// the build directory).
std::string relative_in(const fs::path& root, const std::string& path) {
    std::error_code ec;
    fs::path p(path);
    if (p.is_relative()) {
        p = root / p;
    }
    const auto rel = fs::weakly_canonical(p, ec).lexically_relative(root);
    if (ec || rel.empty() || *rel.begin() == ".." || *rel.begin() == "_build") {
        return {};
    }
    return rel.string();
}

// "FILE:LINE:COL: error: MESSAGE" (GCC and Clang).
std::optional<finding> compiler_line(const std::string& line, const fs::path& root) {
    static const std::regex compiler(
        R"(^(.+?):(\d{1,9}):(\d{1,9}): (fatal error|error|warning): (.*)$)");
    std::smatch m;
    if (!std::regex_match(line, m, compiler)) {
        return std::nullopt;
    }
    finding f;
    f.file = relative_in(root, m[1].str());
    f.line = std::stoi(m[2].str());
    f.column = std::stoi(m[3].str());
    f.level = m[4].str() == "warning" ? severity::warning : severity::error;
    f.id = f.level == severity::error ? "compile-error" : "compile-warning";
    f.message = m[5].str();
    return f;
}

// CMake indents the message on the lines that follow, up to a blank line (or any line that
// is not indented: the next diagnostic, which is put back to be read in turn).
std::string cmake_message(std::stringstream& lines) {
    std::string message;
    std::string next;
    std::streampos before = lines.tellg();
    while (std::getline(lines, next) && !next.empty() && next.front() == ' ') {
        const auto start = next.find_first_not_of(' ');
        if (start != std::string::npos) {
            message += (message.empty() ? "" : " ") + next.substr(start);
        }
        before = lines.tellg();
    }
    if (!next.empty() && next.front() != ' ') {
        lines.clear();
        lines.seekg(before);
    }
    return message.size() > 300 ? message.substr(0, 300) + "..." : message;
}

// "CMake Error at CMakeLists.txt:7 (find_package):" and its indented message.
std::optional<finding>
cmake_diagnostic(const std::string& line, std::stringstream& lines, const fs::path& root) {
    static const std::regex cmake(
        R"(^CMake (Error|Warning)[^:]* at (.+?):(\d{1,9}) \(([^)]*)\):\s*$)");
    std::smatch m;
    if (!std::regex_match(line, m, cmake)) {
        return std::nullopt;
    }
    finding f;
    f.file = relative_in(root, m[2].str());
    f.line = std::stoi(m[3].str());
    f.level = m[1].str() == "Error" ? severity::error : severity::warning;
    f.id = f.level == severity::error ? "cmake-error" : "cmake-warning";
    f.message = m[4].str() + ": " + cmake_message(lines);
    return f;
}

} // namespace

std::vector<finding>
parse_cxx_diagnostics(const std::string& log, const fs::path& source_dir, std::size_t max) {
    std::error_code ec;
    const fs::path root = fs::weakly_canonical(source_dir, ec);
    std::vector<finding> errors;
    std::vector<finding> warnings;
    std::stringstream lines(log);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.size() > 4096) {
            continue; // no diagnostic line is that long; keeps the regex bounded
        }
        auto f = compiler_line(line, root);
        if (!f) {
            f = cmake_diagnostic(line, lines, root);
        }
        if (!f || f->file.empty()) {
            continue;
        }
        if (f->id == "compile-warning") {
            const auto excerpt = read_source_excerpt(root, f->file, f->line, 0);
            // The whole file (as the excerpt reader bounds it), for Clang's warning, which names
            // no type: the callee's declaration says whether a task was dropped.
            std::string file_text;
            if (const auto whole = read_source_excerpt(root, f->file, 1, 1 << 20)) {
                for (const auto& l : whole->lines) {
                    file_text.append(l).push_back('\n');
                }
            }
            f->explained =
                explain_cxx(*f, excerpt ? excerpt->lines.front() : std::string(), file_text);
        }
        auto& into = f->level == severity::error ? errors : warnings;
        const bool duplicate = std::any_of(into.begin(), into.end(), [&](const finding& g) {
            return g.file == f->file && g.line == f->line && g.message == f->message;
        });
        if (!duplicate) {
            into.push_back(std::move(*f));
        }
    }
    errors.insert(errors.end(), warnings.begin(), warnings.end());
    if (errors.size() > max) {
        errors.resize(max);
    }
    return errors;
}

} // namespace grader
