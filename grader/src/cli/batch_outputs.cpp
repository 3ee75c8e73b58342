// What `batch` and `merge` write: a submission's output directory (every format, the result
// last), and the batch's summaries, read back from the saved results alone.

#include "batch.hpp"
#include "common/text_file.hpp"
#include "grader/model/result_json.hpp"
#include "grader/report/batch_summary.hpp"
#include "grader/report/json.hpp"
#include "grader/report/renderer.hpp"

#include <algorithm>
#include <iostream>

namespace grader::cli {

namespace fs = std::filesystem;

namespace {

// A result file is a few MiB at most (report.cpp says why).
constexpr std::size_t max_result_bytes = 256ull * 1024 * 1024;

} // namespace

const std::vector<submission_output>& submission_outputs() {
    static const std::vector<submission_output> outputs = {
        {"html", "report.html"},
        {"junit", "junit.xml"},
        {"gradescope", "results.json"},
        {"sarif", "report.sarif"},
        {"markdown", "summary.md"},
        {"csv", "row.csv"},
    };
    return outputs;
}

common::result<grade_result> read_saved_result(const fs::path& file) {
    auto text = common::read_regular_file(file, max_result_bytes);
    if (!text) {
        return text.err();
    }
    auto doc = nlohmann::json::parse(text.value(), nullptr, false);
    if (doc.is_discarded()) {
        return common::error{common::errc::invalid_input, file.string() + ": not JSON"};
    }
    auto result = grade_result_from_json(doc);
    if (!result) {
        return common::error{common::errc::invalid_input,
                             file.string() + ": " + result.err().message};
    }
    return result;
}

bool is_complete(const fs::path& dir) { return read_saved_result(dir / result_file_name).ok(); }

std::vector<std::string> default_submission_formats() {
    return {"html", "junit", "gradescope", "sarif", "markdown"};
}

common::status write_submission_outputs(const fs::path& dir,
                                        const grade_result& result,
                                        const std::vector<std::string>& formats) {
    for (const auto& out : submission_outputs()) {
        if (std::find(formats.begin(), formats.end(), out.format) == formats.end()) {
            continue;
        }
        const renderer* r = find_renderer(out.format);
        if (r == nullptr) {
            return common::error{common::errc::internal, "no renderer " + std::string(out.format)};
        }
        if (auto written = common::write_text_atomic(dir / out.file, r->render(result, {}));
            !written) {
            return written;
        }
    }
    // Last: its presence says every other file is complete (batch --resume relies on it).
    return common::write_text_atomic(dir / result_file_name, render_json(result));
}

std::vector<batch_entry> load_batch(const fs::path& out_dir) {
    std::vector<batch_entry> entries;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(out_dir, ec)) {
        const auto name = entry.path().filename().string();
        if (!entry.is_directory(ec) || name.empty() || name[0] == '.') {
            continue;
        }
        auto result = read_saved_result(entry.path() / result_file_name);
        if (result) {
            entries.push_back({name, std::move(result.value())});
        }
    }
    std::sort(
        entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return entries;
}

common::status write_batch_summaries(const fs::path& out_dir,
                                     const std::vector<batch_entry>& entries) {
    if (auto written =
            common::write_text_atomic(out_dir / "leaderboard.html", render_leaderboard(entries));
        !written) {
        return written;
    }
    return common::write_text_atomic(out_dir / "summary.csv", render_batch_csv(entries));
}

std::vector<std::string> below(const std::vector<batch_entry>& entries, double fail_under) {
    std::vector<std::string> ids;
    for (const auto& e : entries) {
        if (e.result.score < fail_under) {
            ids.push_back(e.id);
        }
    }
    return ids;
}

} // namespace grader::cli
