#pragma once
// Tolerant reading of result JSON: a missing, null or mistyped field is its default, never an
// exception, so results written by other grader versions still load.

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

namespace grader::detail {

template <typename T>
T field(const nlohmann::json& j, const char* key, T fallback) {
    if (!j.is_object()) {
        return fallback;
    }
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        return fallback;
    }
    try {
        return it->get<T>();
    } catch (const nlohmann::json::exception&) {
        return fallback;
    }
}

template <typename T>
std::optional<T> optional_field(const nlohmann::json& j, const char* key) {
    if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) {
        return std::nullopt;
    }
    try {
        return j.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

/// The array at `key`, or an empty one.
inline const nlohmann::json& array_field(const nlohmann::json& j, const char* key) {
    static const nlohmann::json empty = nlohmann::json::array();
    if (!j.is_object()) {
        return empty;
    }
    const auto it = j.find(key);
    return it != j.end() && it->is_array() ? *it : empty;
}

/// Milliseconds and seconds are written with a fixed number of decimals.
inline double rounded(double v, double unit) { return std::round(v / unit) * unit; }

} // namespace grader::detail
