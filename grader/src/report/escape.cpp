#include "grader/report/escape.hpp"

#include <cstdio>

namespace grader {

namespace {

// One character of `text` at `i` as UTF-8: its code point and length; a byte that starts no
// valid sequence is {byte, 1} with `valid` false.
struct utf8_char {
    char32_t code = 0;
    std::size_t length = 1;
    bool valid = false;
};

utf8_char decode(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    const unsigned char lead = byte(0);
    const std::size_t length = lead < 0x80       ? 1
                               : lead >> 5 == 6  ? 2
                               : lead >> 4 == 14 ? 3
                               : lead >> 3 == 30 ? 4
                                                 : 0;
    if (length == 0 || i + length > text.size()) {
        return {lead, 1, false};
    }
    char32_t code = length == 1 ? lead : static_cast<char32_t>(lead & (0xffU >> (length + 1)));
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(k) & 0xc0) != 0x80) {
            return {lead, 1, false};
        }
        code = (code << 6) | (byte(k) & 0x3f);
    }
    constexpr char32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
    const bool ok =
        code >= shortest[length] && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    return {ok ? code : lead, ok ? length : 1, ok};
}

std::string hex_escape(const char* format, char32_t code) {
    char hex[16];
    std::snprintf(hex, sizeof hex, format, static_cast<unsigned>(code));
    return hex;
}

std::string c0_escape(char32_t code) {
    switch (code) {
    case 0x1b:
        return "\\e";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    case '\a':
        return "\\a";
    case '\b':
        return "\\b";
    default:
        return hex_escape("\\x%02x", code);
    }
}

// C1 controls, the bidirectional overrides and isolates (which reorder what a reader sees),
// and the two noncharacters XML refuses.
bool shown_as_code_point(char32_t code) {
    return (code >= 0x80 && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) ||
           (code >= 0x2066 && code <= 0x2069) || code == 0xfffe || code == 0xffff;
}

} // namespace

std::string printable(std::string_view text, bool keep_lines) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = decode(text, i);
        if (!c.valid) {
            out += hex_escape("\\x%02x", c.code);
        } else if (keep_lines && (c.code == '\n' || c.code == '\r' || c.code == '\t')) {
            out += static_cast<char>(c.code);
        } else if (c.code < 0x20 || c.code == 0x7f) {
            out += c0_escape(c.code);
        } else if (shown_as_code_point(c.code)) {
            out += hex_escape("\\u{%04x}", c.code);
        } else {
            out.append(text.substr(i, c.length));
        }
        i += c.length;
    }
    return out;
}

std::string markup_escaped(std::string_view text, bool keep_lines) {
    const std::string clean = printable(text, keep_lines);
    std::string out;
    out.reserve(clean.size() + clean.size() / 8);
    for (const char c : clean) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        case '\r':
            out += "&#13;"; // XML parsers would read a raw CR as a newline
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace grader
