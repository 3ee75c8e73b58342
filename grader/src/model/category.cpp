#include "grader/model/category.hpp"

#include <array>

namespace grader {

namespace {

constexpr std::array<std::pair<category, std::string_view>, 8> names{{
    {category::build, "build"},
    {category::output, "output"},
    {category::concurrency, "concurrency"},
    {category::blocking, "blocking"},
    {category::errors, "errors"},
    {category::crash, "crash"},
    {category::timeout, "timeout"},
    {category::style, "style"},
}};

} // namespace

std::span<const std::pair<category, std::string_view>> category_names() { return names; }

std::string to_string(category c) {
    for (const auto& [e, name] : names) {
        if (e == c) {
            return std::string(name);
        }
    }
    return "unknown";
}

std::optional<category> category_from_string(std::string_view name) {
    for (const auto& [e, n] : names) {
        if (n == name) {
            return e;
        }
    }
    return std::nullopt;
}

std::string to_string(visibility v) { return v == visibility::visible ? "visible" : "hidden"; }

} // namespace grader
