#pragma once
// A grading's work area with a disk budget for its build: the build writes its working copy
// and target directory in ROOT/build, with no way past the budget. That is a tmpfs of the size
// asked for, mounted in a mount namespace of the grader's own, so that nobody else sees it and
// it goes with the last of the grader's processes (even after SIGKILL); only its empty mount
// point stays on the host, for the next grader's sweep. The rest of ROOT (the build steps' and
// the runs' own files, whose evidence directories have budgets of their own) is a plain
// directory: a build that fills its budget cannot keep the grader from recording how it ended.

#include "common/result.hpp"

#include <cstdint>
#include <filesystem>

namespace grader {

class work_area {
  public:
    /// Makes TEMP_DIR/takehome-grader-<pid>-XXXXXX with a tmpfs of `budget_mb` on its build/ (the
    /// process enters a mount namespace of its own first: call it before any thread starts).
    /// Fails when the grader cannot mount (not root): the caller grades in a plain directory
    /// and says so.
    static common::result<work_area> create(const std::filesystem::path& temp_dir,
                                            std::uint64_t budget_mb);
    work_area(work_area&& other) noexcept;
    work_area& operator=(work_area&&) = delete;
    work_area(const work_area&) = delete;
    work_area& operator=(const work_area&) = delete;
    /// Unmounts the tmpfs and removes the work root.
    ~work_area();

    const std::filesystem::path& path() const { return path_; }
    std::uint64_t budget_mb() const { return budget_mb_; }

  private:
    work_area(std::filesystem::path path, std::uint64_t budget_mb)
        : path_(std::move(path)), budget_mb_(budget_mb) {}
    std::filesystem::path path_;
    std::uint64_t budget_mb_ = 0;
};

} // namespace grader
