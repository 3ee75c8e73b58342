#pragma once
// The rule file reader behind rule_set's loaders (rule_loader.cpp).

#include "analysis/rule_set.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tg::analysis::detail {

/// Loads rule files given as (name, text) pairs into one rule set; the first problem, located,
/// on failure.
rule_load_result load_rule_texts(const std::vector<std::pair<std::string, std::string>>& files);

/// The whole content of a file, or nullopt when it cannot be read.
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

} // namespace tg::analysis::detail
