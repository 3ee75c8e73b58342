#pragma once
// The compiler-error explainer: the async and ownership errors candidates hit most, each
// explained in plain English with the smallest fix. The texts are data (one entry per code,
// src/diagnostics/explanations.cpp, checked against `rustc --explain CODE`); explain.cpp fills
// them from one diagnostic's spans, labels and children, so an explanation names the
// candidate's own variable, type and line and shows the fix as a before/after of that line.

#include "grader/model/finding.hpp"

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grader {

/// One entry of the table. Placeholders in `specific`: {var}, {type}, {line}, {line2}.
struct explainer_entry {
    std::string_view code;           ///< "E0373", "future-not-send", "unused_must_use", "cpp-..."
    std::string_view language;       ///< "rust" | "cpp"
    std::string_view title;          ///< the compiler's own wording, or close to it
    std::string_view meaning;        ///< what it means in general (what `grader explain` prints)
    std::string_view specific;       ///< the same, for one diagnostic, with placeholders
    std::string_view fix;            ///< the smallest fix, in general
    std::string_view example_before; ///< a typical line ...
    std::string_view example_after;  ///< ... and its fix
};

/// Every entry, Rust first.
const std::vector<explainer_entry>& explainer_table();

/// The entry for `code` (case-insensitive for E-codes; "E277" is not "E0277"); nullptr when
/// there is none.
const explainer_entry* find_explainer(std::string_view code);

/// Line N of the file the diagnostic is in (the candidate's working copy), empty when there is
/// none. The explainer looks up a declaration the diagnostic does not quote (E0277's `let`).
using source_lines = std::function<std::string(int line)>;

/// The explanation of one rustc diagnostic (a cargo `compiler-message`'s `message` object),
/// when the table has its code; nullopt otherwise.
std::optional<explanation> explain_rustc(const nlohmann::json& diagnostic,
                                         const source_lines& read_line = {});

/// The explanation of a GCC/Clang diagnostic (diagnostics/cxx.hpp's finding), given the text
/// of its line and the text of its file; nullopt when the table has nothing for it.
std::optional<explanation>
explain_cxx(const finding& f, const std::string& line_text, const std::string& file_text = {});

/// An entry as `grader explain CODE` prints it: title, meaning, fix, example before/after.
std::string render_explainer_entry(const explainer_entry& e);

} // namespace grader
