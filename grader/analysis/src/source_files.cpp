#include "source_files.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

namespace tg::analysis::detail {

namespace {

namespace fs = std::filesystem;

/// Build output, dependencies and tool folders: never the candidate's own source.
constexpr std::array<std::string_view, 8> skipped_folders{"target",
                                                          "node_modules",
                                                          "_build",
                                                          "build",
                                                          "dist",
                                                          "__pycache__",
                                                          "venv",
                                                          "cmake-build-debug"};

bool skip_folder(const std::string& name) {
    return name.starts_with('.') ||
           std::find(skipped_folders.begin(), skipped_folders.end(), name) != skipped_folders.end();
}

std::string size_reason(std::uintmax_t size, std::uintmax_t limit) {
    return "larger than " + std::to_string(limit / 1024) + " KiB (" + std::to_string(size) +
           " bytes)";
}

} // namespace

namespace {

/// Files past the limit are skipped, in path order.
void apply_file_limit(std::vector<source_file_entry>& found,
                      const analysis_options& options,
                      analysis_report& report) {
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return a.relative < b.relative;
    });
    for (std::size_t i = options.max_files; i < found.size(); ++i) {
        report.skipped.push_back(
            {found[i].relative,
             "over the limit of " + std::to_string(options.max_files) + " files"});
    }
    if (found.size() > options.max_files) {
        found.resize(options.max_files);
    }
}

} // namespace

std::vector<source_file_entry> collect_source_files(const fs::path& root,
                                                    const analysis_options& options,
                                                    analysis_report& report) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        report.errors.push_back(root.string() + ": not a directory");
        return {};
    }
    std::vector<source_file_entry> found;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const fs::directory_entry& entry = *it;
        const std::string relative = entry.path().lexically_relative(root).generic_string();
        const auto lang = language_for_path(entry.path());
        if (entry.is_symlink(ec)) {
            if (lang || fs::is_directory(entry.path(), ec)) { // a link to source the walk skips
                report.skipped.push_back({relative, "symlink"});
            }
        } else if (entry.is_directory(ec)) {
            if (skip_folder(entry.path().filename().string())) {
                it.disable_recursion_pending();
            }
        } else if (lang && entry.is_regular_file(ec)) {
            if (const std::uintmax_t size = entry.file_size(ec); size > options.max_file_bytes) {
                report.skipped.push_back({relative, size_reason(size, options.max_file_bytes)});
            } else {
                found.push_back({relative, *lang});
            }
        }
    }
    if (ec) {
        report.errors.push_back(root.string() + ": cannot list every file: " + ec.message());
    }
    apply_file_limit(found, options, report);
    return found;
}

std::optional<std::string> read_source_file(const fs::path& file,
                                            const analysis_options& options,
                                            analysis_report& report,
                                            const std::string& relative) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (!in) {
        report.errors.push_back(relative + ": cannot read the file");
        return std::nullopt;
    }
    if (in.peek() != std::ifstream::traits_type::eof()) {
        text << in.rdbuf(); // (streaming an empty buffer would set failbit)
    }
    std::string content = std::move(text).str();
    if (content.size() > options.max_file_bytes) { // grew since it was listed
        report.skipped.push_back({relative, size_reason(content.size(), options.max_file_bytes)});
        return std::nullopt;
    }
    if (content.find('\0') != std::string::npos) {
        report.skipped.push_back({relative, "binary file (contains NUL bytes)"});
        return std::nullopt;
    }
    return content;
}

} // namespace tg::analysis::detail
