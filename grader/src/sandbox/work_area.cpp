#include "grader/sandbox/work_area.hpp"

#include <cerrno>
#include <cstring>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace grader {

namespace fs = std::filesystem;

common::result<work_area> work_area::create(const fs::path& temp_dir, std::uint64_t budget_mb) {
    // Our mounts are ours alone: nothing propagates to or from the host.
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        return common::error{common::errc::io,
                             std::string("a mount namespace of its own: ") + std::strerror(errno)};
    }
    std::string templ =
        (temp_dir / ("takehome-grader-" + std::to_string(::getpid()) + "-XXXXXX")).string();
    if (::mkdtemp(templ.data()) == nullptr) {
        return common::error{common::errc::io,
                             "cannot create " + templ + ": " + std::strerror(errno)};
    }
    // Traversable but not listable by the runs' uids, like any work root.
    ::chmod(templ.c_str(), 0711);
    const fs::path budgeted = fs::path(templ) / "build";
    const std::string options = "size=" + std::to_string(budget_mb) + "m,mode=0711";
    if (::mkdir(budgeted.c_str(), 0711) != 0 ||
        ::mount("tmpfs", budgeted.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::rmdir(budgeted.c_str());
        ::rmdir(templ.c_str());
        return common::error{common::errc::io,
                             "cannot mount a tmpfs on " + budgeted.string() + ": " + why};
    }
    return work_area(templ, budget_mb);
}

work_area::work_area(work_area&& other) noexcept
    : path_(std::exchange(other.path_, {})), budget_mb_(other.budget_mb_) {}

work_area::~work_area() {
    if (!path_.empty()) {
        ::umount2((path_ / "build").c_str(), MNT_DETACH);
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
}

} // namespace grader
