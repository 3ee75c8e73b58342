#pragma once
// The vocabulary the result model shares with the rubric: what a check is about, and who may
// see a scenario.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace grader {

/// What a check is about; part of the result model.
enum class category { build, output, concurrency, blocking, errors, crash, timeout, style };

/// Every category with its name ("concurrency"), in declaration order.
std::span<const std::pair<category, std::string_view>> category_names();
std::string to_string(category c);
std::optional<category> category_from_string(std::string_view name);

/// Visible scenarios are run by the candidate's self-check; hidden ones only by reviewers.
enum class visibility { visible, hidden };
std::string to_string(visibility v);

} // namespace grader
