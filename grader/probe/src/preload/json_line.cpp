#include "json_line.hpp"

#include "log.hpp"

#include <cstring>

namespace tg::probe {

namespace {
// Space always kept for ending the line: a string's closing quote, '}' and '\n'.
constexpr std::size_t tail_reserve = 3;
constexpr char hex_digits[] = "0123456789abcdef";
} // namespace

json_line::json_line(const char* event, char* buf, std::size_t capacity) noexcept
    : buf_(buf), cap_(capacity) {
    buf_[len_++] = '{';
    add_string("ev", event);
    add_int("pid", process_id());
    add_hex("img", image_id());
}

std::size_t json_line::room() const noexcept {
    const std::size_t used = len_ + tail_reserve;
    return used < cap_ ? cap_ - used : 0;
}

void json_line::put(char c) noexcept {
    if (room() > 0) {
        buf_[len_++] = c;
    }
}

void json_line::put_raw(const char* s) noexcept {
    while (*s != '\0') {
        put(*s++);
    }
}

bool json_line::begin_field(const char* key, std::size_t need) noexcept {
    if (full_ || in_value_ || room() < std::strlen(key) + 4 + need) {
        full_ = true;
        return false;
    }
    if (buf_[len_ - 1] != '{') {
        put(',');
    }
    put('"');
    put_raw(key);
    put_raw("\":");
    return true;
}

void json_line::add_string(const char* key, const char* value, std::size_t max_chars) noexcept {
    open_string(key);
    append_text(value == nullptr ? "" : value, max_chars);
    close_string();
}

void json_line::add_int(const char* key, std::int64_t value) noexcept {
    if (!begin_field(key, 21)) {
        return;
    }
    if (value < 0) {
        put('-');
    }
    in_value_ = true; // append_uint writes only into an open value
    append_uint(value < 0 ? 0 - static_cast<std::uint64_t>(value)
                          : static_cast<std::uint64_t>(value));
    in_value_ = false;
}

void json_line::add_hex(const char* key, std::uint64_t value) noexcept {
    open_string(key);
    append_uint(value, 16);
    close_string();
}

void json_line::add_milli(const char* key, std::int64_t thousandths) noexcept {
    const auto v = static_cast<std::uint64_t>(thousandths < 0 ? 0 : thousandths);
    if (!begin_field(key, 25)) {
        return;
    }
    in_value_ = true;
    append_uint(v / 1000);
    put('.');
    put(hex_digits[v / 100 % 10]);
    put(hex_digits[v / 10 % 10]);
    put(hex_digits[v % 10]);
    in_value_ = false;
}

void json_line::open_string(const char* key) noexcept {
    if (begin_field(key, 2)) {
        put('"');
        in_value_ = true;
    }
}

void json_line::append_text(const char* text, std::size_t max_chars) noexcept {
    for (std::size_t i = 0; in_value_ && text[i] != '\0' && i < max_chars && room() >= 6; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            put('\\');
            put(static_cast<char>(c));
        } else if (c < 0x20) {
            put_raw("\\u00");
            put(hex_digits[c >> 4]);
            put(hex_digits[c & 15]);
        } else {
            put(c < 0x80 ? static_cast<char>(c) : '?');
        }
    }
}

void json_line::append_uint(std::uint64_t value, int base) noexcept {
    if (!in_value_) {
        return;
    }
    char digits[24];
    int n = 0;
    const auto b = static_cast<std::uint64_t>(base);
    do {
        digits[n++] = hex_digits[value % b];
        value /= b;
    } while (value != 0 && n < 24);
    if (room() < static_cast<std::size_t>(n)) {
        return;
    }
    while (n > 0) {
        put(digits[--n]);
    }
}

void json_line::close_string() noexcept {
    if (in_value_) {
        in_value_ = false;
        buf_[len_++] = '"'; // the tail reserve keeps room for it
    }
}

bool json_line::write(bool always) noexcept {
    close_string();
    buf_[len_++] = '}';
    buf_[len_++] = '\n';
    return write_line(buf_, len_, always);
}

} // namespace tg::probe
