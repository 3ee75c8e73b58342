#include "analysis/language.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace tg::analysis {

namespace {

constexpr std::array<std::pair<language, std::string_view>, 4> names{{
    {language::rust, "rust"},
    {language::cpp, "cpp"},
    {language::javascript, "javascript"},
    {language::python, "python"},
}};

constexpr std::array<std::pair<std::string_view, language>, 15> extensions{{
    {".rs", language::rust},
    {".cpp", language::cpp},
    {".cc", language::cpp},
    {".cxx", language::cpp},
    {".hpp", language::cpp},
    {".hh", language::cpp},
    {".hxx", language::cpp},
    {".h", language::cpp},
    {".ipp", language::cpp},
    {".js", language::javascript},
    {".mjs", language::javascript},
    {".cjs", language::javascript},
    {".jsx", language::javascript},
    {".py", language::python},
    {".pyw", language::python},
}};

} // namespace

std::string_view language_name(language lang) {
    for (const auto& [l, name] : names) {
        if (l == lang) {
            return name;
        }
    }
    return "unknown";
}

std::optional<language> language_from_name(std::string_view name) {
    for (const auto& [l, n] : names) {
        if (n == name) {
            return l;
        }
    }
    return std::nullopt;
}

std::optional<language> language_for_path(const std::filesystem::path& file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    for (const auto& [e, lang] : extensions) {
        if (e == ext) {
            return lang;
        }
    }
    return std::nullopt;
}

} // namespace tg::analysis
