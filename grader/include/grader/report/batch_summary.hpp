#pragma once
// Summaries of a whole batch (`grader batch`, `grader merge`): many saved results in, one page
// or one file out. Like the per-result renderers (renderer.hpp) they read only the result
// model, so a merged batch is summarised from its saved results alone.
//   leaderboard.cpp  the leaderboard page: a sortable table, per-category pass rates, a link to
//                    each submission's report.html
//   csv.cpp          the CSV: one row per submission, one column per category (RFC 4180)

#include "grader/model/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace grader {

/// One graded submission of a batch: its stable id (the name of its output directory, where
/// its report.html is) and its saved result.
struct batch_entry {
    std::string id;
    grade_result result;
};

/// Every category that any entry's checks use, in the model's declaration order.
std::vector<category> batch_categories(const std::vector<batch_entry>& entries);

/// The leaderboard: one self-contained HTML page (inline CSS; one inline script, allowed by
/// its hash in the page's Content-Security-Policy, sorts the table when a header is clicked),
/// best score first, per-category pass rates, each row linking to `ID/report.html`. Every
/// string from a result is escaped (escape.hpp).
std::string render_leaderboard(const std::vector<batch_entry>& entries);

/// The script the leaderboard embeds and its CSP source ('sha256-BASE64'), for the test that
/// checks the two agree.
std::string_view leaderboard_script();
std::string_view leaderboard_script_csp_hash();

/// The batch CSV (RFC 4180, CRLF line ends): a header, then one row per entry: id, name,
/// language, score, total, passed, error, then the points of each category in
/// batch_categories() order (empty when the submission has no check of it).
std::string render_batch_csv(const std::vector<batch_entry>& entries);

/// One CSV field: quoted when it holds a comma, a quote, CR or LF (quotes doubled); a cell a
/// spreadsheet would read as a formula (starting with =, +, -, @, tab or CR) gets a leading '.
std::string csv_field(std::string_view text);

} // namespace grader
