#pragma once
// What an open descriptor is, as far as blocking goes, remembered per descriptor number so
// that the read and write hooks do not pay an fstat per call on a runtime's sockets and
// eventfds (a socket is known from the socket() or accept() that made it). Regular files are never
// remembered (they are the ones the probe reports, and are looked at each time); sockets and other
// descriptors are, until the number is closed (close, close_range, fclose, or replaced by dup2 /
// dup3, all hooked). A socket's blocking mode is never remembered: it is asked (fcntl) when a call
// on it was slow.

#include <cstdint>

namespace tg::probe {

/// What a descriptor is.
enum class fd_kind : unsigned char { unknown, other, socket, regular_file };

/// The kind of `fd`, from memory or from fstat. Standard streams and the log are `other`:
/// writing results to stdout is not what the probe is after.
fd_kind kind_of_fd(int fd) noexcept;

/// Remembers that `fd` (just returned by socket() or accept()) is a socket.
void remember_socket(int fd) noexcept;

/// Forgets what descriptors `first`..`last` (inclusive) were: they are being closed.
void forget_fds(unsigned first, unsigned last) noexcept;
inline void forget_fd(int fd) noexcept {
    if (fd >= 0) {
        forget_fds(static_cast<unsigned>(fd), static_cast<unsigned>(fd));
    }
}

/// True when `fd` is a socket in blocking mode (fstat and fcntl, nothing remembered).
bool is_blocking_socket(int fd) noexcept;

/// A call on a socket taking less than this did not wait: its blocking mode is not asked.
inline constexpr std::int64_t slow_socket_call_ns = 50'000;

} // namespace tg::probe
