#pragma once
// What happens to a blocking call once its hook has made the real call: classify it
// (context.hpp), count it, deduplicate it by call site, and log the first few of each site in
// full (call, detail, thread, duration, decision, native and script stacks), later ones as
// counts. Also the process's first and last lines (hello, bye).

#include <cstddef>
#include <cstdint>

namespace tg::probe {

/// A blocking call as its hook describes it.
class call_info {
  public:
    /// `call` is the hooked function's name (a literal).
    explicit call_info(const char* call) noexcept : call_(call) { detail_[0] = '\0'; }

    /// Appends to the detail ("fd=5 path=/x", "sleep 200 ms", "host=example.com").
    call_info& text(const char* s) noexcept;
    call_info& number(std::int64_t n) noexcept;
    /// Appends a duration in milliseconds with up to three decimals.
    call_info& millis(std::int64_t ns) noexcept;
    /// Appends "path=P" and remembers P for the path rules; relative paths are made absolute
    /// against the working directory.
    call_info& path(const char* p) noexcept;
    /// path(), for a path relative to directory `dirfd` (AT_FDCWD: the working directory).
    call_info& path_at(int dirfd, const char* p) noexcept;
    /// Appends "fd=N path=P" for the file open as `fd`.
    call_info& fd_path(int fd) noexcept;

    [[nodiscard]] const char* call() const noexcept { return call_; }
    [[nodiscard]] const char* detail() const noexcept { return detail_; }
    [[nodiscard]] const char* file() const noexcept { return path_len_ > 0 ? path_ : nullptr; }

  private:
    const char* call_;
    char detail_[320];
    std::size_t len_ = 0;
    char path_[256] = {};
    std::size_t path_len_ = 0;
};

/// Classifies and records a blocking call that took `duration_ns`, made by the calling thread.
void report_blocking_call(const call_info& info, std::int64_t duration_ns) noexcept;

/// Writes the "hello" line: the probe is loaded in this process. `argv0` may be null.
void write_hello(const char* argv0) noexcept;

/// Writes the final counts of each site logged only in part, and the "bye" line.
void write_bye() noexcept;

/// In a fork's child: empty counters and sites.
void reset_report_after_fork() noexcept;

} // namespace tg::probe
