#pragma once
// The languages the source analysis parses, and how a file's language is told from its name.

#include <filesystem>
#include <optional>
#include <string_view>

namespace tg::analysis {

/// A language with a tree-sitter grammar compiled into tg_analysis.
enum class language { rust, cpp, javascript, python };

/// The language's name as rule files spell it: "rust", "cpp", "javascript", "python".
std::string_view language_name(language lang);

/// The language named `name` (as language_name spells it), or nullopt.
std::optional<language> language_from_name(std::string_view name);

/// The language of a source file by its extension (.rs; .cpp .cc .cxx .hpp .hh .hxx .h .ipp;
/// .js .mjs .cjs .jsx; .py), or nullopt for any other file.
std::optional<language> language_for_path(const std::filesystem::path& file);

} // namespace tg::analysis
