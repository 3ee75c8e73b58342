// The command's child between fork and exec, in this order: its own process group, the run's
// cgroups, its private root, rlimits, the uid switch with every capability dropped,
// no_new_privs, the parent-death signal, the seccomp filter, its working directory. A step
// that fails fails the run (the report says which): a weaker sandbox is never silent.

#include "parts.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace grader::sandbox {

namespace {

bool fail(confine_report& r, const char* step) {
    std::snprintf(r.failed, sizeof r.failed, "%s: %s", step, std::strerror(errno));
    return false;
}

bool join_cgroups(const confinement& c) {
    const std::string pid = std::to_string(::getpid());
    for (const auto& procs : c.cgroup_procs) {
        FILE* f = std::fopen(procs.c_str(), "w");
        const bool ok = f != nullptr && std::fputs(pid.c_str(), f) >= 0;
        if (f == nullptr || std::fclose(f) != 0 || !ok) {
            return fail(*c.report, "joining the run's cgroup");
        }
    }
    return true;
}

void set_limits(const confinement& c) {
    const auto& l = c.spec->limits;
    const auto set = [](int resource, rlim_t soft, rlim_t hard) {
        const rlimit lim{soft, hard};
        ::setrlimit(resource, &lim);
    };
    const auto mb = [](int v) { return static_cast<rlim_t>(v) << 20; };
    // SIGXCPU at the limit, SIGKILL a second later: the outcome names the CPU limit.
    set(RLIMIT_CPU, static_cast<rlim_t>(l.cpu_s), static_cast<rlim_t>(l.cpu_s) + 1);
    set(RLIMIT_FSIZE, mb(l.file_size_mb), mb(l.file_size_mb));
    set(RLIMIT_NOFILE, static_cast<rlim_t>(l.open_files), static_cast<rlim_t>(l.open_files));
    set(RLIMIT_CORE, 0, 0);
    set(RLIMIT_AS, RLIM_INFINITY, RLIM_INFINITY);
    if (c.data_limit) {
        set(RLIMIT_DATA, mb(l.memory_mb), mb(l.memory_mb));
    }
    // Without a pids cgroup, the per-uid process count (the run's uid is its own) stands in;
    // with one it would refuse forks first, and the cgroup could not count them.
    if (c.switch_uid && c.data_limit) {
        set(RLIMIT_NPROC, static_cast<rlim_t>(l.pids), static_cast<rlim_t>(l.pids));
    }
}

// No capability in any set, and none to regain: the bounding set is emptied while we still
// may, then the uid switch clears the rest (or, without one, capset does).
bool drop_privileges(const confinement& c) {
    for (int cap = 0; cap <= 63; ++cap) {
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
            break; // no CAP_SETPCAP (an unprivileged grader): nothing there to drop
        }
    }
    if (c.switch_uid) {
        const auto uid = static_cast<uid_t>(c.spec->identity.uid);
        const auto gid = static_cast<gid_t>(c.spec->identity.gid);
        if (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 ||
            ::setresuid(uid, uid, uid) != 0) {
            return fail(*c.report, "switching to the run's uid");
        }
    } else {
        __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct data[2]{};
        if (::syscall(SYS_capset, &header, data) != 0) {
            return fail(*c.report, "dropping capabilities");
        }
    }
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return fail(*c.report, "no_new_privs");
    }
    // After the uid switch, which clears it: die with the runner.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    return true;
}

} // namespace

bool confine(const confinement& c) {
    ::setpgid(0, 0); // its own process group: the deadline kills the whole group
    if (!join_cgroups(c)) {
        return false;
    }
    if (c.private_root && !enter_private_root(*c.spec, c.root_dir, c.switch_uid, *c.report)) {
        return false;
    }
    set_limits(c);
    if (!drop_privileges(c)) {
        return false;
    }
    if (c.seccomp && !load_seccomp_filter()) {
        return fail(*c.report, "loading the seccomp filter");
    }
    if (::chdir(c.spec->cwd.c_str()) != 0) {
        return fail(*c.report, "entering the working directory");
    }
    return true;
}

} // namespace grader::sandbox
