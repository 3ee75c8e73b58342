#pragma once
// Text that ends up in JSON: the bodies served (from a scenario's strings) and the journal
// (from a client's request line). nlohmann::json throws on invalid UTF-8 when it writes, so
// scenario strings are checked when they are read, and request text is made safe when it is
// journaled.

#include <cstddef>
#include <string>
#include <string_view>

namespace mock_api::detail {

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// `text` as the journal keeps it: at most `max_bytes` bytes (cut at a character boundary,
/// then "..." appended), every byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string journal_text(std::string_view text, std::size_t max_bytes);

} // namespace mock_api::detail
