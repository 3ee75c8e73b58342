#pragma once
// What happens to a blocking call once its hook has made the real call: classify it
// (context.hpp), count it, deduplicate it by call site, and log the first few of each site in
// full (call, detail, thread, duration, decision, native and script stacks), later ones as
// counts. Also the process's first and last lines (hello, bye).

#include <cstddef>
#include <cstdint>

namespace tg::probe {

/// A blocking call as its hook describes it. A file's path costs system calls (readlink,
/// getcwd), so it is worked out only when the report needs it (path rules, a full line).
class call_info {
  public:
    /// `call` is the hooked function's name (a literal).
    explicit call_info(const char* call) noexcept : call_(call) { detail_[0] = '\0'; }

    /// Appends to the detail ("fd=5 path=/x", "sleep 200 ms", "host=example.com").
    call_info& text(const char* s) noexcept;
    call_info& number(std::int64_t n) noexcept;
    /// Appends a duration in milliseconds with up to three decimals.
    call_info& millis(std::int64_t ns) noexcept;
    /// The detail is "path=P", P absolute (a relative `p` is taken from directory `dirfd`,
    /// AT_FDCWD: the working directory). `p` must live as long as this object.
    call_info& path_at(int dirfd, const char* p) noexcept;
    /// The detail is "fd=N path=P" for the file open as `fd`.
    call_info& fd_path(int fd) noexcept;

    [[nodiscard]] const char* call() const noexcept { return call_; }
    /// The detail, the path worked out now if there is one.
    [[nodiscard]] const char* detail() noexcept;
    /// The absolute path of the file the call is on, or null.
    [[nodiscard]] const char* file() noexcept;

  private:
    void resolve_path() noexcept;

    const char* call_;
    char detail_[320];
    std::size_t len_ = 0;
    // What path_at / fd_path left to work out.
    enum class pending : unsigned char { none, path, fd } pending_ = pending::none;
    int pending_fd_ = -1; // dirfd or fd
    const char* pending_path_ = nullptr;
    char path_[256] = {};
    std::size_t path_len_ = 0;
};

/// Classifies and records a blocking call that took `duration_ns`, made by the calling thread.
void report_blocking_call(call_info& info, std::int64_t duration_ns) noexcept;

/// Writes the "hello" line: the probe is loaded in this process. `argv0` may be null.
void write_hello(const char* argv0) noexcept;

/// Writes the final counts of each site logged only in part, and the "bye" line.
void write_bye() noexcept;

/// In a fork's child: empty counters and sites.
void reset_report_after_fork() noexcept;

} // namespace tg::probe
