#pragma once
// Helpers shared by the analysis tests: run the built-in rules over a snippet, pick findings.

#include "analysis/analysis.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace analysis_test {

using tg::analysis::analysis_report;
using tg::analysis::language;
using tg::analysis::static_finding;

/// The built-in rules' report on one snippet.
inline analysis_report analyse(language lang, std::string_view text, const std::string& file) {
    return tg::analysis::analyse_source(lang, text, file);
}

/// The findings of one rule.
inline std::vector<static_finding> of_rule(const analysis_report& report, std::string_view rule) {
    std::vector<static_finding> out;
    std::copy_if(report.findings.begin(),
                 report.findings.end(),
                 std::back_inserter(out),
                 [&](const static_finding& f) { return f.rule == rule; });
    return out;
}

/// The findings of one category (blocking, concurrency, style).
inline std::vector<static_finding> of_category(const analysis_report& report,
                                               std::string_view category) {
    std::vector<static_finding> out;
    std::copy_if(report.findings.begin(),
                 report.findings.end(),
                 std::back_inserter(out),
                 [&](const static_finding& f) { return f.category == category; });
    return out;
}

/// Every finding as "LINE rule: message", for failure output.
inline std::string describe(const analysis_report& report) {
    std::string out;
    for (const auto& f : report.findings) {
        out += std::to_string(f.line) + " " + f.rule + ": " + f.message + "\n";
    }
    for (const auto& e : report.errors) {
        out += "error: " + e + "\n";
    }
    return out;
}

/// A fresh directory under the system's temporary folder, removed with everything in it.
class temp_dir {
  public:
    temp_dir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("tg-analysis-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    /// Writes `text` to `relative` (creating its folders); returns the full path.
    std::filesystem::path write(const std::string& relative, std::string_view text) const {
        const auto file = path_ / relative;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
        return file;
    }

  private:
    std::filesystem::path path_;
};

} // namespace analysis_test
