#pragma once
// Inside the sandbox: the supervisor's steps and the runner's parts, one file each.

#include "grader/sandbox/sandbox.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/process/v2/process.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <sys/types.h>

namespace grader::sandbox {

// --- namespaces.cpp ------------------------------------------------------------------------

/// What the supervisor reached before forking the runner.
struct namespaces_entered {
    bool isolated = false;       ///< network, PID and mount namespaces of its own
    bool real_root = false;      ///< as root of the host (not through a user namespace) with
                                 ///< CAP_SETUID/CAP_SETGID: uids can be switched
    bool user_namespace = false; ///< entered through a user namespace mapping our uid alone
    std::string summary;         ///< "netns+pidns+mntns (root)", "none (host loopback)", ...
    std::string error;           ///< why not isolated
    bool failed = false;         ///< entered, but loopback could not be brought up: no run
};

/// Enters new network, PID and mount namespaces (the caller's next child is PID 1 of the
/// PID namespace) and brings up loopback: as root, else through a user namespace, else none.
namespaces_entered enter_namespaces();

/// A /proc of our own PID namespace (needs the mount namespace entered above).
bool mount_own_proc();

// --- confine.cpp, view.cpp, seccomp.cpp: the command's child between fork and exec -------

/// What went wrong or was weakened in the child, in a page shared with the runner (the child
/// cannot return anything else before exec).
struct confine_report {
    char failed[512]; ///< the step that failed, with errno's text; "" when none did
    char notes[512];  ///< measures the child had to weaken ("working copy: ...")
};

/// What the command's child does, decided by the runner beforehand (and reported).
struct confinement {
    const sandbox_spec* spec = nullptr;
    bool private_root = false; ///< a mount namespace of its own with the spec's view
    bool switch_uid = false;   ///< root: become spec->identity's uid and gid
    bool seccomp = false;
    bool data_limit = false;                         ///< no memory cgroup: RLIMIT_DATA stands in
    std::vector<std::filesystem::path> cgroup_procs; ///< join these cgroups
    std::filesystem::path root_dir;                  ///< mount point of the private root
    confine_report* report = nullptr;
};

class run_cgroup;

/// Decides what the child will do and reports every measure in force or unavailable.
isolation_report plan_confinement(const sandbox_spec& spec,
                                  const namespaces_entered& ns,
                                  const run_cgroup& cg,
                                  const std::string& cg_error,
                                  confinement& c);

/// Runs in the child: every step or none (false, with report->failed saying which).
bool confine(const confinement& c);

/// A new mount namespace whose root holds only the system directories, the spec's view and
/// its scratch directories; then pivot_root into it.
bool enter_private_root(const sandbox_spec& spec,
                        const std::filesystem::path& root,
                        bool chown_scratch,
                        confine_report& report);

/// The filter of seccomp.cpp; false when it could not be loaded.
bool load_seccomp_filter();

// --- collected.cpp -------------------------------------------------------------------------

/// A directory the command writes for the grader (view_access::collected), covered by a tmpfs
/// with a size budget in the runner's mount namespace; collect() copies its regular files to
/// the host directory beneath. Unmounted when destroyed.
class collected_dir {
  public:
    collected_dir() = default;
    collected_dir(collected_dir&& other) noexcept;
    collected_dir& operator=(collected_dir&&) = delete;
    ~collected_dir();

    /// Mounts the budget over `dir` (which must be in a private mount namespace), owned like
    /// it; on failure `why_not` says why and nothing is mounted.
    static collected_dir
    mount(const std::filesystem::path& dir, std::uint64_t budget_bytes, std::string& why_not);
    /// Copies the regular files at its top to the host directory, then unmounts.
    void collect();

  private:
    std::filesystem::path dir_;
    int host_fd_ = -1; ///< the host directory, under the tmpfs
};

// --- mock_process.cpp ----------------------------------------------------------------------

struct mock_handle {
    std::unique_ptr<boost::process::v2::process> proc;
    std::string url;
    std::filesystem::path journal; ///< where it writes its journal when stopped
};

/// Starts mock_api (as the spec's mock uid when `switch_uid`) with a copy of the scenario in
/// RUN/mock/, and reads its first stdout line ("listening on URL"); on failure `out.error`
/// says why.
mock_handle start_mock(boost::asio::io_context& ctx,
                       const sandbox_spec& spec,
                       bool switch_uid,
                       sandbox_outcome& out);

/// Stops the mock with SIGTERM so that it writes its journal: "" when it exited 0, else what
/// happened (a mock that died or was killed voids the run's evidence).
std::string stop_mock(mock_handle& m);

// --- leftovers.cpp -------------------------------------------------------------------------

/// Kills the command's process group and everything else it left behind but `keep`: with our
/// own /proc every process of the namespace, else the children this subreaper adopted.
void kill_leftovers(pid_t command, bool own_proc, pid_t keep);

// --- runner.cpp ----------------------------------------------------------------------------

/// The runner (PID 1 of the namespace): runs the command and writes RUN/outcome.json.
int runner_main(const sandbox_spec& spec,
                const namespaces_entered& ns,
                const run_cgroup& cg,
                const std::string& cgroup_error);

} // namespace grader::sandbox
