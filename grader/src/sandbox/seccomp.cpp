// The command's seccomp filter (libseccomp, which also checks the architecture): what an
// unprivileged process could still do to escape or to spy, refused. Dropping capabilities
// already refuses most of these for a real unprivileged uid; the filter refuses them again,
// and also what an unprivileged uid may do here (unshare(CLONE_NEWUSER), keyctl).

#include "parts.hpp"

#include <cerrno>
#include <sched.h>
#include <seccomp.h>

namespace grader::sandbox {

namespace {

// Refused with EPERM: namespaces, mounts, tracing other processes, the kernel keyring,
// loading code into the kernel, eBPF and perf, handles that reach past a mount view, io_uring.
constexpr const char* refused[] = {"unshare",
                                   "setns",
                                   "mount",
                                   "umount2",
                                   "pivot_root",
                                   "chroot",
                                   "move_mount",
                                   "open_tree",
                                   "fsopen",
                                   "fsmount",
                                   "fsconfig",
                                   "fspick",
                                   "mount_setattr",
                                   "ptrace",
                                   "process_vm_readv",
                                   "process_vm_writev",
                                   "kcmp",
                                   "keyctl",
                                   "add_key",
                                   "request_key",
                                   "kexec_load",
                                   "kexec_file_load",
                                   "init_module",
                                   "finit_module",
                                   "delete_module",
                                   "bpf",
                                   "perf_event_open",
                                   "userfaultfd",
                                   "open_by_handle_at",
                                   "name_to_handle_at",
                                   "acct",
                                   "swapon",
                                   "swapoff",
                                   "reboot",
                                   "quotactl",
                                   "lookup_dcookie",
                                   "syslog",
                                   "iopl",
                                   "ioperm",
                                   // io_uring's operations (open, connect, ...) bypass this
                                   // filter's view of system calls; libuv and others fall back
                                   "io_uring_setup",
                                   "io_uring_enter",
                                   "io_uring_register"};

// clone() with any of these flags makes a namespace.
constexpr unsigned long namespace_flags[] = {CLONE_NEWNS,
                                             CLONE_NEWUTS,
                                             CLONE_NEWIPC,
                                             CLONE_NEWUSER,
                                             CLONE_NEWPID,
                                             CLONE_NEWNET,
                                             CLONE_NEWCGROUP};

bool add_rules(scmp_filter_ctx ctx) {
    for (const char* name : refused) {
        const int nr = seccomp_syscall_resolve_name(name);
        if (nr != __NR_SCMP_ERROR && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) != 0) {
            return false;
        }
    }
    for (const auto flag : namespace_flags) {
        // Argument 0 (clone's flags) masked with `flag` equals `flag`. Spelled out rather than
        // with SCMP_A0, whose compound literal pedantic C++ (clang) refuses.
        const scmp_arg_cmp has_flag{0, SCMP_CMP_MASKED_EQ, flag, flag};
        if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1, has_flag) != 0) {
            return false;
        }
    }
    // clone3 passes its flags in memory a filter cannot read. ENOSYS, not EPERM: glibc then
    // falls back to clone(), which the rules above can judge (EPERM would fail every
    // pthread_create).
    return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) == 0;
}

} // namespace

bool load_seccomp_filter() {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == nullptr) {
        return false;
    }
    const bool ok = add_rules(ctx) && seccomp_load(ctx) == 0;
    seccomp_release(ctx);
    return ok;
}

} // namespace grader::sandbox
