#pragma once
// Which files of a submission directory the analysis reads, and reading them.

#include "analysis/analysis.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tg::analysis::detail {

/// A source file found under the root.
struct source_file_entry {
    std::string relative; ///< '/'-separated, relative to the root
    language lang;
};

/// The source files under `root` in path order, at most options.max_files; what was passed
/// over is added to report.skipped, what could not be listed to report.errors.
std::vector<source_file_entry> collect_source_files(const std::filesystem::path& root,
                                                    const analysis_options& options,
                                                    analysis_report& report);

/// The file's text; nullopt when it cannot be read (report.errors), turns out binary or too
/// large (report.skipped).
std::optional<std::string> read_source_file(const std::filesystem::path& file,
                                            const analysis_options& options,
                                            analysis_report& report,
                                            const std::string& relative);

} // namespace tg::analysis::detail
