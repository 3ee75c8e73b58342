#pragma once
// Tolerant reading of result JSON: a missing, null or mistyped field is its default, never an
// exception, so results written by other grader versions still load.

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace grader::detail {

template <typename T>
struct is_vector : std::false_type {};
template <typename U>
struct is_vector<std::vector<U>> : std::true_type {};

/// V as a T, or nothing: nlohmann's get<T>() converts a float out of an integral T's range with
/// undefined behaviour, so integral fields (and elements) take only integers within T's range.
template <typename T>
std::optional<T> converted(const nlohmann::json& v) {
    if constexpr (is_vector<T>::value) {
        if (!v.is_array()) {
            return std::nullopt;
        }
        T out;
        for (const auto& item : v) {
            auto one = converted<typename T::value_type>(item);
            if (!one) {
                return std::nullopt;
            }
            out.push_back(std::move(*one));
        }
        return out;
    } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        if (v.is_number_unsigned()) {
            const auto u = v.get<std::uint64_t>();
            return u <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())
                       ? std::optional<T>(static_cast<T>(u))
                       : std::nullopt;
        }
        if (v.is_number_integer()) {
            const auto i = v.get<std::int64_t>();
            return std::in_range<T>(i) ? std::optional<T>(static_cast<T>(i)) : std::nullopt;
        }
        return std::nullopt;
    } else {
        try {
            return v.get<T>();
        } catch (const nlohmann::json::exception&) {
            return std::nullopt;
        }
    }
}

template <typename T>
T field(const nlohmann::json& j, const char* key, T fallback) {
    if (!j.is_object()) {
        return fallback;
    }
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        return fallback;
    }
    return converted<T>(*it).value_or(fallback);
}

template <typename T>
std::optional<T> optional_field(const nlohmann::json& j, const char* key) {
    if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) {
        return std::nullopt;
    }
    return converted<T>(j.at(key));
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
