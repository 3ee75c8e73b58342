#include "detail/text.hpp"

#include <algorithm>

namespace mock_api::detail {
namespace {

// Length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629, table 3-7 of the
// Unicode standard), or 0 when it does not start with one.
std::size_t sequence_length(std::string_view s) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b0 = byte(0);
    if (b0 < 0x80) {
        return 1;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        lo = b0 == 0xE0 ? 0xA0 : 0x80; // no overlong forms
        hi = b0 == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        lo = b0 == 0xF0 ? 0x90 : 0x80; // no overlong forms
        hi = b0 == 0xF4 ? 0x8F : 0xBF; // nothing past U+10FFFF
    } else {
        return 0;
    }
    if (s.size() < n || byte(1) < lo || byte(1) > hi) {
        return 0;
    }
    for (std::size_t i = 2; i < n; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xBF) {
            return 0;
        }
    }
    return n;
}

} // namespace

bool is_valid_utf8(std::string_view text) {
    while (!text.empty()) {
        const std::size_t n = sequence_length(text);
        if (n == 0) {
            return false;
        }
        text.remove_prefix(n);
    }
    return true;
}

std::string journal_text(std::string_view text, std::size_t max_bytes) {
    static constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD
    std::string out;
    out.reserve(std::min(text.size(), max_bytes) + 3);
    while (!text.empty()) {
        const std::size_t n = sequence_length(text);
        const std::string_view piece = n == 0 ? replacement : text.substr(0, n);
        if (out.size() + piece.size() > max_bytes) {
            out += "...";
            break;
        }
        out += piece;
        text.remove_prefix(n == 0 ? 1 : n);
    }
    return out;
}

} // namespace mock_api::detail
