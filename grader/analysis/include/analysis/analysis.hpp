#pragma once
// tg_analysis: static source analysis of a take-home submission with tree-sitter. It finds
// blocking calls inside async code (std::thread::sleep in an async fn, a std::ifstream in a
// coroutine, fs.readFileSync in an async function, time.sleep in an async def), awaits in a
// for loop (a sequential fan-out), lock guards held across an await, futures never awaited,
// unwrap() outside tests and the Arc<Mutex<Vec<_>>> collector. The rules are data
// (grader/analysis/rules/*.yaml); README.md in grader/analysis describes them.
//
// Reading order: language.hpp, finding.hpp, rule_set.hpp, this file; then src/syntax_tree,
// src/imports, src/scopes, src/predicates, src/rule_loader, src/rule_runner, src/analyse.

#include "analysis/finding.hpp"
#include "analysis/language.hpp"
#include "analysis/rule_set.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace tg::analysis {

/// Limits of one analysis; the defaults suit a take-home.
struct analysis_options {
    std::size_t max_files = 500;                    ///< source files read at most (in path order)
    std::uintmax_t max_file_bytes = 1 << 20;        ///< larger files are skipped
    std::uint64_t parse_timeout_micros = 5'000'000; ///< per file; the parser gives up after it
    const rule_set* rules = nullptr;                ///< rule_set::builtin() when null
};

/// Analyses every source file under `root` whose language language_for_path knows, skipping
/// the folders target/, node_modules/, _build/, build/, dist/, .git/ (any folder starting with
/// '.'), __pycache__/ and venv/, symlinks, binary files and files over the size limit (listed in
/// `skipped`), and stops after `max_files`. An async function defined in one file is known in
/// the others of its language (for the never-awaited rules). Never throws for a bad
/// submission: what could not be read is in `errors`. Any thread.
analysis_report analyse_directory(const std::filesystem::path& root,
                                  const analysis_options& options = {});

/// Analyses one source text; `file_name` is what findings call the file (its folders and name
/// also tell test code, e.g. "tests/x.rs"). Any thread.
analysis_report analyse_source(language lang,
                               std::string_view text,
                               const std::string& file_name,
                               const analysis_options& options = {});

} // namespace tg::analysis
