#pragma once
// Small system helpers for the probe: raw system calls (never through our own hooks), the
// monotonic clock, the thread's name, and the two guards every hook uses. Header-only; the
// probe links nothing but libc.

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <type_traits>
#include <unistd.h>

namespace tg::probe {

/// One argument of syscall(), widened to the `long` its va_arg reads. An `int` passed through
/// the varargs as it is fills only half of its 8-byte slot: mmap's sixth argument (the offset)
/// goes on the stack, and a clang-built probe left garbage in the upper half, so every probed
/// Python process died of SIGBUS reading a mapping past the end of its file.
template <class T>
long syscall_arg(T value) noexcept {
    if constexpr (std::is_pointer_v<T> || std::is_null_pointer_v<T>) {
        return reinterpret_cast<long>(value);
    } else {
        static_assert(std::is_integral_v<T> || std::is_enum_v<T>, "a system call takes words");
        return static_cast<long>(value);
    }
}

/// A system call made directly (libc's syscall(), which no hook wraps); returns the kernel's
/// result, negative errno on failure, and leaves errno as it was.
template <class... Args>
long raw_syscall(long nr, Args... args) noexcept {
    const int saved = errno;
    long ret = ::syscall(nr, syscall_arg(args)...);
    if (ret == -1) {
        ret = -errno;
    }
    errno = saved;
    return ret;
}

/// CLOCK_MONOTONIC in nanoseconds (vDSO, no system call).
inline std::int64_t now_ns() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

inline int current_pid() noexcept { return static_cast<int>(raw_syscall(SYS_getpid)); }
inline int current_tid() noexcept { return static_cast<int>(raw_syscall(SYS_gettid)); }

/// The calling thread's name (at most 15 characters, NUL-terminated) into `out[16]`.
void thread_name(char (&out)[16]) noexcept;

/// `path`'s target into `out` (NUL-terminated, truncated); returns its length, 0 on failure.
std::size_t read_link(const char* path, char* out, std::size_t size) noexcept;

/// Restores errno when it goes out of scope: a hook's bookkeeping must not change what the
/// program sees after the real call.
class errno_saver {
  public:
    errno_saver() noexcept : saved_(errno) {}
    ~errno_saver() { errno = saved_; }
    errno_saver(const errno_saver&) = delete;
    errno_saver& operator=(const errno_saver&) = delete;

  private:
    int saved_;
};

/// Marks the calling thread as inside the probe for its lifetime. Hooks reached while one is
/// alive (the probe's own calls, a signal handler interrupting a hook) pass straight through.
class hook_scope {
  public:
    hook_scope() noexcept;
    ~hook_scope();
    hook_scope(const hook_scope&) = delete;
    hook_scope& operator=(const hook_scope&) = delete;

    /// False when nested in another hook_scope or when the probe is off: call the real
    /// function and nothing else.
    [[nodiscard]] bool active() const noexcept { return active_; }

  private:
    bool active_;
};

} // namespace tg::probe
