// Entering the namespaces: network (loopback only), PID and mount; as root, else through a
// user namespace, else not at all (said in `isolation`).

#include "parts.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

namespace grader::sandbox {

namespace {

bool bring_loopback_up() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    ifreq req{};
    std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
    bool ok = ::ioctl(fd, SIOCGIFFLAGS, &req) == 0;
    if (ok) {
        req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP | IFF_RUNNING);
        ok = ::ioctl(fd, SIOCSIFFLAGS, &req) == 0;
    }
    ::close(fd);
    return ok;
}

bool write_proc(const char* path, const std::string& text) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return ok;
}

// Root of the host with the capabilities a uid switch needs (a container may drop them).
bool can_switch_uid() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("CapEff:", 0) == 0) {
            const auto caps = std::stoull(line.substr(7), nullptr, 16);
            constexpr unsigned long long setgid_setuid = (1ull << 6) | (1ull << 7);
            return ::geteuid() == 0 && (caps & setgid_setuid) == setgid_setuid;
        }
    }
    return false;
}

} // namespace

namespaces_entered enter_namespaces() {
    namespaces_entered ns;
    ns.real_root = can_switch_uid();
    if (::unshare(CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS) == 0) {
        ns.summary = "netns+pidns+mntns (root)";
    } else {
        // Unprivileged: a user namespace grants the capabilities inside (EPERM in a chroot,
        // or a container without CAP_SYS_ADMIN).
        const std::string as_root = std::strerror(errno);
        const auto uid = ::getuid();
        const auto gid = ::getgid();
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS) != 0) {
            ns.summary = "none (host loopback)";
            ns.error = "namespaces unavailable: " + as_root + " (as root), " +
                       std::strerror(errno) + " (in a user namespace)";
            return ns;
        }
        ns.real_root = false; // only our own uid is mapped in there
        ns.user_namespace = true;
        write_proc("/proc/self/setgroups", "deny");
        write_proc("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
        write_proc("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
        ns.summary = "netns+pidns+mntns (user namespace)";
    }
    if (!bring_loopback_up()) {
        ns.error = std::string("cannot bring up loopback in the new network namespace: ") +
                   std::strerror(errno);
        ns.failed = true;
        return ns;
    }
    ns.isolated = true;
    return ns;
}

bool mount_own_proc() {
    return ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
           ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0;
}

} // namespace grader::sandbox
