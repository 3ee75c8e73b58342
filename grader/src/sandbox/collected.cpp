// What a run writes for the grader (its evidence directory) is a host directory, so without
// a budget a command could fill the host's disk through it (a 64 MiB file size limit, but any
// number of files) or leave trees the grader then walks. The runner covers it with a tmpfs of
// its own mount namespace (1024 inodes at most), which the command's view binds; when the
// command has ended, the regular files at its top are copied to the host directory underneath
// (reached through a descriptor opened before the mount) and the tmpfs goes.

#include "parts.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace grader::sandbox {

namespace fs = std::filesystem;

namespace {

constexpr int max_files = 1024;

// Copies one regular file of the tmpfs into the host directory; false when it is no regular
// file (or cannot be read).
bool copy_out(int from_dir, int to_dir, const char* name) {
    const int in = ::openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st {};
    if (in < 0 || ::fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (in >= 0) {
            ::close(in);
        }
        return false;
    }
    const int out =
        ::openat(to_dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    char buffer[65536];
    ssize_t n = 0;
    while (out >= 0 && (n = ::read(in, buffer, sizeof buffer)) > 0) {
        if (::write(out, buffer, static_cast<std::size_t>(n)) != n) {
            break;
        }
    }
    ::close(in);
    if (out >= 0) {
        ::close(out);
    }
    return out >= 0;
}

} // namespace

collected_dir::collected_dir(collected_dir&& other) noexcept
    : dir_(std::move(other.dir_)), host_fd_(std::exchange(other.host_fd_, -1)) {}

collected_dir::~collected_dir() {
    if (host_fd_ >= 0) {
        ::umount2(dir_.c_str(), MNT_DETACH);
        ::close(host_fd_);
    }
}

collected_dir
collected_dir::mount(const fs::path& dir, std::uint64_t budget_bytes, std::string& why_not) {
    collected_dir c;
    struct stat st {};
    const int host = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    // A few files are expected there: a million empty ones would each cost the host an inode.
    const std::string size = "size=" + std::to_string(budget_bytes) +
                             ",nr_inodes=" + std::to_string(max_files) + ",mode=0755";
    if (host < 0 || ::fstat(host, &st) != 0 ||
        ::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, size.c_str()) !=
            0) {
        why_not = dir.string() + ": " + std::strerror(errno);
        if (host >= 0) {
            ::close(host);
        }
        return c;
    }
    c.dir_ = dir;
    c.host_fd_ = host;
    // Owned like the directory it covers (the run's uid, or an unmapped one in a user
    // namespace: EINVAL, and the command runs as root there).
    if (::chown(dir.c_str(), st.st_uid, st.st_gid) != 0 && errno != EINVAL) {
        why_not = dir.string() + ": " + std::strerror(errno);
        return {};
    }
    ::chmod(dir.c_str(), st.st_mode & 07777);
    return c;
}

void collected_dir::collect() {
    if (host_fd_ < 0) {
        return;
    }
    if (DIR* d = ::opendir(dir_.c_str())) {
        while (const dirent* e = ::readdir(d)) {
            if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
                copy_out(::dirfd(d), host_fd_, e->d_name);
            }
        }
        ::closedir(d);
    }
    ::umount2(dir_.c_str(), MNT_DETACH);
    ::close(host_fd_);
    host_fd_ = -1;
}

} // namespace grader::sandbox
