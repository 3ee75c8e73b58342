#pragma once
// The probe's log: the file named by TG_PROBE_LOG, opened once per process image, appended to
// with one write() per line. Also the identity every line carries: the pid and an image id
// that tells apart two programs in one pid (a shell's exec) and a fork's child.

#include <cstddef>
#include <cstdint>

namespace tg::probe {

/// The most lines (and full call lines) one process image writes; later ones are dropped and
/// counted (see the "bye" line).
inline constexpr int max_lines = 2000;
inline constexpr int max_call_lines = 300;

/// Opens `path` for appending; false (the probe stays off) if it cannot. Load time only.
bool open_log(const char* path) noexcept;

/// True once the log is open: the hooks do their work only then.
bool log_enabled() noexcept;

/// Appends one complete line with one write(); false when the line cap is reached (unless
/// `always`: the last line of a process), the write failed, or the descriptor no longer is
/// the log (the program closed it and reused the number).
bool write_line(const char* data, std::size_t size, bool always = false) noexcept;

/// Takes one of the `max_call_lines` full call lines; false when none is left.
bool take_call_line() noexcept;

/// Lines dropped by the caps so far.
std::uint64_t dropped_lines() noexcept;

/// True for the log's own descriptor (stdio and the log are not the program's I/O).
bool is_log_fd(int fd) noexcept;

/// For the close hook: true when `fd` is the log, still open on the log file, and must stay
/// open (it is close-on-exec). A program that put its own file on that number closes it; the
/// probe stops logging.
bool keep_log_open(int fd) noexcept;

int process_id() noexcept;
std::uint64_t image_id() noexcept;

/// In a fork's child: a new pid and image id, fresh caps.
void reset_log_after_fork() noexcept;

} // namespace tg::probe
