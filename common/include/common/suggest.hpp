#pragma once
// "did you mean" suggestions for unknown keys and names.

#include <string>
#include <string_view>
#include <vector>

namespace common {

/// Edit distance (insert, delete, substitute, adjacent swap) between two short strings.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a plausible typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

} // namespace common
