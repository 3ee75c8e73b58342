#pragma once
// Shared by `batch` and `merge` (grader/README.md, "Batch grading"): a submission's output
// directory OUTDIR/ID/ holds every per-result format and result.json, written last, so that
// result.json's presence means the directory is complete; the batch's summaries
// (leaderboard.html, summary.csv) are made from the saved results alone.

#include "common/result.hpp"
#include "grader/model/result.hpp"
#include "grader/report/batch_summary.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace grader::cli {

inline constexpr const char* result_file_name = "result.json";

/// A per-submission file: the renderer's format and the file's name.
struct submission_output {
    std::string_view format;
    std::string_view file;
};

/// report.html, junit.xml, results.json (Gradescope), report.sarif, summary.md, row.csv.
const std::vector<submission_output>& submission_outputs();

/// What `batch` writes without --format: every file above but row.csv.
std::vector<std::string> default_submission_formats();

/// A result JSON read back; an error when it is unreadable or not a result.
common::result<grade_result> read_saved_result(const std::filesystem::path& file);

/// DIR/result.json is there and is a result.
bool is_complete(const std::filesystem::path& dir);

/// The files of `formats` into `dir`, each atomically, then result.json, last.
common::status write_submission_outputs(const std::filesystem::path& dir,
                                        const grade_result& result,
                                        const std::vector<std::string>& formats);

/// Every complete submission directory of `out_dir`, sorted by id.
std::vector<batch_entry> load_batch(const std::filesystem::path& out_dir);

/// leaderboard.html and summary.csv into `out_dir`, atomically.
common::status write_batch_summaries(const std::filesystem::path& out_dir,
                                     const std::vector<batch_entry>& entries);

/// The ids whose score is below `fail_under` points.
std::vector<std::string> below(const std::vector<batch_entry>& entries, double fail_under);

} // namespace grader::cli

namespace grader::cli {

/// "K/N" with 1 <= K <= N; a located error otherwise.
common::result<std::pair<unsigned, unsigned>> parse_shard(const std::string& text);

/// The indices of shard K of N over `count` submissions sorted by id: K-1, K-1+N, ...
std::vector<std::size_t> shard_indices(std::size_t count, unsigned k, unsigned n);

} // namespace grader::cli
