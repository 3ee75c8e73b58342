#pragma once
// Renderers turn one result into one output format. They read only the result model
// (grader/model/), never the sandbox, the builds or the mock, so a saved result renders the
// same as a fresh one. One renderer per file in src/report/; this table is how the CLI's
// `--format` finds them. (Per-batch outputs, such as a leaderboard or a merged CSV, take many
// results and get a table of their own.)

#include "grader/model/result.hpp"

#include <span>
#include <string>
#include <string_view>

namespace grader {

struct render_options {
    bool color = false; ///< ANSI colours (terminal, and only on a TTY)
};

/// One output format of a single result.
struct renderer {
    std::string_view format;      ///< the `--format` name: "terminal", "json"
    std::string_view description; ///< one line for `--help`
    std::string (*render)(const grade_result& result, const render_options& options);
};

/// Every per-result format, in the order `--help` lists them.
std::span<const renderer> renderers();

/// The renderer of `format`, or nullptr.
const renderer* find_renderer(std::string_view format);

} // namespace grader
