#pragma once
// The real functions behind the hooks, found with dlsym(RTLD_NEXT) on first use (a hook may
// run before the probe's constructor, from another library's initialisation).
//
//   auto real = TG_REAL(read);          // decltype(&::read), never null
//   return real(fd, buf, count);

#include <atomic>
#include <dlfcn.h>

namespace tg::probe {

/// The next definition of `name` after the probe (libc's), or null. Tries the default
/// version, then glibc's x86-64 base version for compatibility-only symbols (__xstat64).
void* find_next(const char* name) noexcept;

/// The function cached in `slot`, looked up on first use. (The slot holds a void*: a
/// template argument of libc's function types would drop their attributes, with a warning.)
inline void* resolve_real(std::atomic<void*>& slot, const char* name) noexcept {
    void* fn = slot.load(std::memory_order_acquire);
    if (fn == nullptr) {
        fn = find_next(name);
        slot.store(fn, std::memory_order_release);
    }
    return fn;
}

} // namespace tg::probe

// One slot per use: each lambda is its own type, so its static is its own.
#define TG_REAL(name)                                                                              \
    reinterpret_cast<decltype(&::name)>([]() noexcept {                                            \
        static constinit std::atomic<void*> slot{nullptr};                                         \
        return ::tg::probe::resolve_real(slot, #name);                                             \
    }())
