#pragma once
// The run's cgroups: memory and process count limits the kernel enforces on the command and
// everything it starts, and the counters that tell an OOM kill from a deadline kill (both
// end in SIGKILL). cgroup v1 (separate memory and pids hierarchies, what this machine has)
// or v2 (one unified hierarchy with both controllers: Debian's default). Which one is found
// by reading what the hierarchies offer (cgroup.controllers), not by what is mounted.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace grader::sandbox {

struct cgroup_counters {
    std::uint64_t oom_kills = 0;      ///< processes the OOM killer ended
    std::uint64_t forks_refused = 0;  ///< forks refused at pids.max
    std::uint64_t memory_peak_kb = 0; ///< peak use (0 when the kernel does not say)
};

class run_cgroup {
  public:
    /// Creates the cgroups `name` with the limits; on failure `why_not` says why and the
    /// result is empty (no limits: the caller reports it).
    static run_cgroup
    create(const std::string& name, int memory_mb, int pids, std::string& why_not);

    bool active() const { return !dirs_.empty(); }
    /// "cgroup v1: memory 4096 MB, pids 512".
    const std::string& description() const { return description_; }
    /// The files a process writes its pid to, to join (one per hierarchy).
    std::vector<std::filesystem::path> procs_files() const;
    cgroup_counters read() const;
    /// Kills every process left in the groups and removes them (retrying while the kernel
    /// finishes the kills). Idempotent.
    void destroy();

    /// Removes cgroups whose grader ("tg-<pid>-...") is no longer running.
    static void sweep_stale();

  private:
    std::vector<std::filesystem::path> dirs_; ///< v1: memory then pids; v2: one
    bool v2_ = false;
    std::string description_;
};

} // namespace grader::sandbox
