// The command's filesystem view, built in its child before exec: a tmpfs root (the disk
// budget) holding the system directories read-only, the spec's view at the same paths, its
// scratch directories, a minimal /dev and a /proc that shows only its own processes. Nothing
// else of the host is there: not the rubric, the run's spec, journal or oracle, other
// submissions, the grader's cache, /root or the project tree.
//
// Own mounts rather than bubblewrap: the same few calls (bind, remount read-only, tmpfs,
// overlay, pivot_root) run inside the runner's namespaces, where the run's uid, cgroups and
// seccomp filter are applied in one place and the result is reported step by step; bwrap as
// root would need --cap-drop ALL and a setpriv hop for a real uid to reach the same state.

#include "parts.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace grader::sandbox {

namespace fs = std::filesystem;

namespace {

bool fail(confine_report& r, const std::string& step) {
    std::snprintf(r.failed, sizeof r.failed, "%s: %s", step.c_str(), std::strerror(errno));
    return false;
}

void note(confine_report& r, const std::string& text) {
    const auto used = std::strlen(r.notes);
    std::snprintf(r.notes + used, sizeof r.notes - used, "%s%s", used ? "; " : "", text.c_str());
}

// `target` as an empty directory or file, like `like`.
bool make_mount_point(const fs::path& like, const fs::path& target) {
    std::error_code ec;
    if (fs::exists(target, ec)) {
        return true;
    }
    if (fs::is_directory(like, ec)) {
        fs::create_directories(target, ec);
        return !ec;
    }
    fs::create_directories(target.parent_path(), ec);
    const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        ::close(fd);
    }
    return fd >= 0;
}

bool bind(const fs::path& from, const fs::path& to, bool read_only) {
    if (!make_mount_point(from, to) ||
        ::mount(from.c_str(), to.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
        return false;
    }
    const unsigned long flags = MS_BIND | MS_REMOUNT | MS_NOSUID | (read_only ? MS_RDONLY : 0);
    return ::mount(nullptr, to.c_str(), nullptr, flags, nullptr) == 0;
}

// Writable, but what is written stays in the run's tmpfs: an overlay whose upper layer is on
// the root tmpfs, owned like the directory it covers. In a user namespace (a grader without
// CAP_SYS_ADMIN) that owner is not mapped (EINVAL): the command runs as root there, and the
// upper layer stays root's.
bool overlay(const fs::path& lower, const fs::path& to, const fs::path& layers) {
    std::error_code ec;
    fs::create_directories(layers / "upper", ec);
    fs::create_directories(layers / "work", ec);
    fs::create_directories(to, ec);
    struct stat st {};
    if (ec || ::stat(lower.c_str(), &st) != 0 ||
        (::chown((layers / "upper").c_str(), st.st_uid, st.st_gid) != 0 && errno != EINVAL)) {
        return false;
    }
    const std::string options = "lowerdir=" + lower.string() +
                                ",upperdir=" + (layers / "upper").string() +
                                ",workdir=" + (layers / "work").string();
    return ::mount("overlay", to.c_str(), "overlay", MS_NOSUID, options.c_str()) == 0;
}

// /usr, /etc and the /bin, /lib links of a merged-/usr system (copied as links), read-only.
bool add_system_dirs(const fs::path& root, confine_report& r) {
    for (const char* name : {"usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32"}) {
        const fs::path host = fs::path("/") / name;
        std::error_code ec;
        if (fs::is_symlink(host, ec)) {
            fs::create_symlink(fs::read_symlink(host, ec), root / name, ec);
        } else if (fs::is_directory(host, ec) && !bind(host, root / name, true)) {
            return fail(r, std::string("binding /") + name);
        }
    }
    return true;
}

bool add_view(const sandbox_spec& spec, const fs::path& root, confine_report& r) {
    int layer = 0;
    for (const auto& v : spec.view) {
        const fs::path target = root / v.path.relative_path();
        if (v.access == view_access::overlay) {
            if (overlay(v.path, target, root / ".tg-layers" / std::to_string(layer++))) {
                continue;
            }
            note(r,
                 "working copy shown read-write (overlay: " + std::string(std::strerror(errno)) +
                     ")");
        }
        if (!bind(v.path, target, v.access == view_access::read_only)) {
            return fail(r, "showing " + v.path.string());
        }
    }
    return true;
}

bool add_scratch(const sandbox_spec& spec,
                 const fs::path& root,
                 bool chown_them,
                 confine_report& r) {
    std::error_code ec;
    fs::create_directories(root / "tmp", ec);
    ::chmod((root / "tmp").c_str(), 01777);
    for (const auto& dir : spec.scratch) {
        const fs::path at = root / dir.relative_path();
        fs::create_directories(at, ec);
        if (ec || ::chmod(at.c_str(), 0700) != 0 ||
            (chown_them && ::chown(at.c_str(),
                                   static_cast<uid_t>(spec.identity.uid),
                                   static_cast<gid_t>(spec.identity.gid)) != 0)) {
            return fail(r, "creating " + dir.string());
        }
    }
    return true;
}

// The devices programs expect, nothing else (no block devices, no /dev/kmsg, no host ptys).
bool add_dev(const fs::path& root, int disk_mb, confine_report& r) {
    const fs::path dev = root / "dev";
    std::error_code ec;
    fs::create_directories(dev, ec);
    const std::string size = "size=" + std::to_string(disk_mb) + "m,mode=0755";
    if (::mount("tmpfs", dev.c_str(), "tmpfs", MS_NOSUID | MS_NOEXEC, size.c_str()) != 0) {
        return fail(r, "mounting /dev");
    }
    for (const char* name : {"null", "zero", "full", "random", "urandom"}) {
        if (!bind(fs::path("/dev") / name, dev / name, false)) {
            return fail(r, std::string("binding /dev/") + name);
        }
    }
    fs::create_symlink("/proc/self/fd", dev / "fd", ec);
    fs::create_symlink("/proc/self/fd/0", dev / "stdin", ec);
    fs::create_symlink("/proc/self/fd/1", dev / "stdout", ec);
    fs::create_symlink("/proc/self/fd/2", dev / "stderr", ec);
    fs::create_directories(dev / "shm", ec);
    ::chmod((dev / "shm").c_str(), 01777);
    return true;
}

// Only the processes of its own uid are visible (not the runner's nor the mock's, whose
// command lines name the run's files). The kernel's settings are read-only: writing
// /proc/sys takes no capability, only the file's owner, so a command that could not be given
// a uid of its own (it runs as root, without capabilities) could otherwise set
// kernel.core_pattern (a program the kernel runs as root on the host) or the host's name,
// and /proc/sysrq-trigger could reboot the machine.
bool add_proc(const fs::path& root, confine_report& r) {
    const fs::path proc = root / "proc";
    std::error_code ec;
    fs::create_directories(proc, ec);
    const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (::mount("proc", proc.c_str(), "proc", flags, "hidepid=invisible") != 0 &&
        ::mount("proc", proc.c_str(), "proc", flags, "hidepid=2") != 0) {
        return fail(r, "mounting /proc");
    }
    for (const char* name : {"sys", "sysrq-trigger", "irq", "bus", "fs"}) {
        if (fs::exists(proc / name, ec) && !bind(proc / name, proc / name, true)) {
            return fail(r, std::string("making /proc/") + name + " read-only");
        }
    }
    return true;
}

// A passwd and group naming the run's uid, so that `id`, whoami and getpwuid work.
bool add_identity_files(const sandbox_spec& spec, const fs::path& root, confine_report& r) {
    const auto& id = spec.identity;
    const auto home = spec.env.count("HOME") ? spec.env.at("HOME") : std::string("/tmp");
    const fs::path dir = root / ".tg-etc";
    std::error_code ec;
    fs::create_directories(dir, ec);
    std::ofstream(dir / "passwd") << "root:x:0:0:root:/root:/usr/sbin/nologin\ncandidate:x:"
                                  << id.uid << ":" << id.gid << ":candidate:" << home
                                  << ":/bin/sh\n";
    std::ofstream(dir / "group") << "root:x:0:\ncandidate:x:" << id.gid << ":\n";
    if (!bind(dir / "passwd", root / "etc/passwd", true) ||
        !bind(dir / "group", root / "etc/group", true)) {
        return fail(r, "writing /etc/passwd");
    }
    return true;
}

bool pivot_into(const fs::path& root, confine_report& r) {
    const fs::path old = root / ".tg-old";
    std::error_code ec;
    fs::create_directories(old, ec);
    if (::syscall(SYS_pivot_root, root.c_str(), old.c_str()) != 0 || ::chdir("/") != 0) {
        return fail(r, "pivot_root");
    }
    if (::umount2("/.tg-old", MNT_DETACH) != 0) {
        return fail(r, "detaching the host's root");
    }
    ::rmdir("/.tg-old");
    return true;
}

} // namespace

bool enter_private_root(const sandbox_spec& spec,
                        const fs::path& root,
                        bool chown_scratch,
                        confine_report& r) {
    if (::unshare(CLONE_NEWNS) != 0) {
        return fail(r, "a mount namespace of its own");
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        return fail(r, "making mounts private");
    }
    const std::string size = "size=" + std::to_string(spec.limits.disk_mb) + "m,mode=0755";
    if (::mount("tmpfs", root.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, size.c_str()) != 0) {
        return fail(r, "mounting the root tmpfs");
    }
    return add_system_dirs(root, r) && add_view(spec, root, r) &&
           add_scratch(spec, root, chown_scratch, r) && add_dev(root, spec.limits.disk_mb, r) &&
           add_proc(root, r) && (!chown_scratch || add_identity_files(spec, root, r)) &&
           pivot_into(root, r);
}

} // namespace grader::sandbox
