#pragma once
// One log line, built in a fixed buffer (no allocation, usable from any hook) and written with
// a single write(): a flat JSON object of strings and integers, well under 4 KiB, so that
// appends from several processes to one file never interleave.

#include <cstddef>
#include <cstdint>

namespace tg::probe {

/// The longest line the probe writes, newline included (PIPE_BUF is 4096).
inline constexpr std::size_t max_line_bytes = 3800;

/// A line's storage: big for call lines, small for the rest (hooks may run on small stacks).
template <std::size_t N>
struct line_buffer {
    static_assert(N >= 64 && N <= max_line_bytes);
    char data[N];
};

/// A JSON line under construction. Values that do not fit are cut short (strings) or left
/// out; the line always stays valid JSON. Non-ASCII bytes are written as '?'.
class json_line {
  public:
    /// Starts `{"ev":EVENT,"pid":..,"img":".."` (the process and its image, see log.hpp) in
    /// `storage`, which must outlive the line.
    template <std::size_t N>
    json_line(const char* event, line_buffer<N>& storage) noexcept
        : json_line(event, storage.data, N) {}

    /// Adds "key":"value", the value cut to `max_chars` characters.
    void add_string(const char* key, const char* value, std::size_t max_chars = 400) noexcept;
    /// Adds "key":value.
    void add_int(const char* key, std::int64_t value) noexcept;
    /// Adds "key":"hex digits" (64-bit values stay exact in any JSON reader).
    void add_hex(const char* key, std::uint64_t value) noexcept;
    /// Adds "key":value with three decimals, from a count of thousandths (negative: 0).
    void add_milli(const char* key, std::int64_t thousandths) noexcept;

    /// Opens a string value to be filled piece by piece with append_*; close_string ends it.
    void open_string(const char* key) noexcept;
    void append_text(const char* text, std::size_t max_chars = 400) noexcept;
    void append_uint(std::uint64_t value, int base = 10) noexcept;
    void close_string() noexcept;

    /// Room left for the rest of an open string, keeping space for the line's end.
    [[nodiscard]] std::size_t room() const noexcept;

    /// Closes the object and appends it to the log; false if it was not written. `always`:
    /// even past the line cap (the process's last line).
    bool write(bool always = false) noexcept;

  private:
    json_line(const char* event, char* buf, std::size_t capacity) noexcept;
    void put(char c) noexcept;
    void put_raw(const char* s) noexcept;
    /// Writes `"key":` if the key and `need` more bytes fit; otherwise the line is full and
    /// every later field is left out.
    bool begin_field(const char* key, std::size_t need) noexcept;
    void put_escaped(const char* s, std::size_t max_chars) noexcept;

    char* buf_;
    std::size_t cap_;
    std::size_t len_ = 0;
    bool in_value_ = false;
    bool full_ = false;
};

} // namespace tg::probe
