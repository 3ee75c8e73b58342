#include "sys.hpp"

#include "log.hpp"
#include "real.hpp"

#include <fcntl.h>
#include <sys/prctl.h>

namespace tg::probe {

namespace {
// Per thread, initial-exec (the probe is loaded at start-up): no allocation on first use.
thread_local constinit bool in_probe [[gnu::tls_model("initial-exec")]] = false;
} // namespace

void thread_name(char (&out)[16]) noexcept {
    out[0] = '\0';
    raw_syscall(SYS_prctl, PR_GET_NAME, out, 0, 0, 0);
    out[15] = '\0';
}

std::size_t read_link(const char* path, char* out, std::size_t size) noexcept {
    if (size == 0) {
        return 0;
    }
    const long n = raw_syscall(SYS_readlinkat, AT_FDCWD, path, out, size - 1);
    const std::size_t len = n > 0 ? static_cast<std::size_t>(n) : 0;
    out[len] = '\0';
    return len;
}

void* find_next(const char* name) noexcept {
    void* fn = dlsym(RTLD_NEXT, name);
    return fn != nullptr ? fn : dlvsym(RTLD_NEXT, name, "GLIBC_2.2.5");
}

hook_scope::hook_scope() noexcept : active_(!in_probe && log_enabled()) {
    if (active_) {
        in_probe = true;
    }
}

hook_scope::~hook_scope() {
    if (active_) {
        in_probe = false;
    }
}

} // namespace tg::probe
