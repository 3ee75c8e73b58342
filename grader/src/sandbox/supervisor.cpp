// The supervisor (`grader __sandbox SPEC.json`) and the grader's side of it (run_sandboxed).

#include "cgroup.hpp"
#include "common/text_file.hpp"
#include "parts.hpp"

#include <array>
#include <atomic>
#include <boost/process/v2/stdio.hpp>
#include <csignal>
#include <cstdio>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace grader {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using nlohmann::json;

namespace {

volatile std::sig_atomic_t stop_signal = 0;

void on_stop(int sig) { stop_signal = sig; }

// SIGTERM (the grader went away: our parent-death signal, or kill) and SIGINT/SIGHUP (a
// terminal) end the run early but still clean up: the handler only interrupts the wait.
void catch_stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    for (const int sig : {SIGTERM, SIGINT, SIGHUP}) {
        ::sigaction(sig, &sa, nullptr);
    }
}

// True when `child` exited within `limit_ms` (it is not reaped here); false on timeout or a
// stop signal.
bool wait_for_exit(pid_t child, int limit_ms) {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
    if (pidfd >= 0) {
        pollfd p{pidfd, POLLIN, 0};
        const bool exited = ::poll(&p, 1, limit_ms) > 0;
        ::close(pidfd);
        return exited;
    }
    for (int waited = 0; waited < limit_ms && stop_signal == 0; waited += 10) {
        siginfo_t info{};
        const int flags = WEXITED | WNOHANG | WNOWAIT;
        if (::waitid(P_PID, static_cast<id_t>(child), &info, flags) == 0 && info.si_pid == child) {
            return true;
        }
        ::usleep(10000);
    }
    return false;
}

void write_failure(const sandbox_spec& spec,
                   const isolation_report& isolation,
                   const std::string& error) {
    sandbox_outcome out;
    out.isolation = isolation;
    out.error = error;
    common::write_text(spec.run_dir / "outcome.json", out.to_json().dump());
}

// Forks the runner, waits for it within the command's deadline plus time to start and stop
// the mock, and kills it past that or on a stop signal (PID 1 gone: the kernel kills the
// whole namespace). Returns what went wrong, or "".
std::string supervise(const sandbox_spec& spec,
                      const sandbox::namespaces_entered& ns,
                      const sandbox::run_cgroup& cg,
                      const std::string& cg_error) {
    const pid_t runner = ::fork();
    if (runner < 0) {
        return "cannot fork the sandbox runner";
    }
    if (runner == 0) {
        for (const int sig : {SIGTERM, SIGINT, SIGHUP}) {
            ::signal(sig, SIG_DFL); // the runner just dies: the supervisor cleans up
        }
        ::_exit(sandbox::runner_main(spec, ns, cg, cg_error));
    }
    const bool exited = wait_for_exit(runner, static_cast<int>(spec.deadline_s * 1000) + 30000);
    if (!exited) {
        ::kill(runner, SIGKILL);
    }
    ::waitpid(runner, nullptr, 0);
    if (stop_signal != 0) {
        return "interrupted by " + signal_name(stop_signal);
    }
    return exited ? "the sandbox runner ended without an outcome"
                  : "the sandbox runner hung and was killed";
}

} // namespace

int sandbox_main(const std::filesystem::path& spec_file) {
    catch_stop_signals();
    sandbox_spec spec;
    try {
        spec = sandbox_spec::from_json(json::parse(common::read_text(spec_file)));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "grader __sandbox: bad spec %s: %s\n", spec_file.c_str(), e.what());
        return 2;
    }
    // The cgroups first, as the grader's own user: creating them takes root's ownership of
    // the hierarchy, not CAP_SETUID nor CAP_SYS_ADMIN, so a root grader that cannot switch
    // uids still limits memory and processes (and a run as root is not held by RLIMIT_NPROC).
    std::string cg_error = ::geteuid() == 0 ? "" : "the grader is not root";
    auto cg = spec.cgroup_name.empty() || !cg_error.empty()
                  ? sandbox::run_cgroup{}
                  : sandbox::run_cgroup::create(
                        spec.cgroup_name, spec.limits.memory_mb, spec.limits.pids, cg_error);
    const auto ns = sandbox::enter_namespaces();
    isolation_report report;
    report.summary = ns.summary;
    if (ns.failed || (!ns.isolated && spec.require_isolation)) {
        cg.destroy();
        write_failure(spec,
                      report,
                      spec.require_isolation && !ns.failed
                          ? "isolation required but unavailable: " + ns.error
                          : ns.error);
        return 0;
    }
    std::filesystem::remove(spec.run_dir / "outcome.json");
    const auto trouble = supervise(spec, ns, cg, cg_error);
    cg.destroy();
    if (!std::filesystem::exists(spec.run_dir / "outcome.json") || stop_signal != 0) {
        write_failure(spec, report, trouble);
    }
    return 0;
}

namespace {

// The grader's side: supervisors to tell when a stop signal arrives (async-signal-safe).
constexpr std::size_t max_supervisors = 64;
std::array<std::atomic<pid_t>, max_supervisors> running_supervisors{};
std::atomic<bool> grader_stop{false};

void on_grader_stop(int) {
    grader_stop.store(true);
    for (auto& pid : running_supervisors) {
        if (const pid_t p = pid.load(); p > 0) {
            ::kill(p, SIGTERM);
        }
    }
}

/// Registers a running supervisor for the stop handler, for its lifetime.
class registered_supervisor {
  public:
    explicit registered_supervisor(pid_t pid) {
        for (auto& s : running_supervisors) {
            pid_t empty = 0;
            if (s.compare_exchange_strong(empty, pid)) {
                slot_ = &s;
                break;
            }
        }
        if (grader_stop.load()) {
            ::kill(pid, SIGTERM); // the signal came before we were listed
        }
    }
    ~registered_supervisor() {
        if (slot_ != nullptr) {
            slot_->store(0);
        }
    }
    registered_supervisor(const registered_supervisor&) = delete;
    registered_supervisor& operator=(const registered_supervisor&) = delete;

  private:
    std::atomic<pid_t>* slot_ = nullptr;
};

/// The supervisor gets SIGTERM when the grader goes away (even by SIGKILL), and cleans up.
struct with_the_grader {
    template <typename Launcher>
    bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        return {};
    }
};

} // namespace

common::result<sandbox_outcome> run_sandboxed(const sandbox_spec& spec,
                                              const std::filesystem::path& supervisor_exe) {
    std::error_code fs_error;
    std::filesystem::create_directories(spec.run_dir, fs_error);
    const auto spec_file = spec.run_dir / "spec.json";
    std::filesystem::remove(spec.run_dir / "outcome.json", fs_error);
    if (!common::write_text(spec_file, spec.to_json().dump(2))) {
        return common::error{common::errc::io, "cannot write " + spec_file.string()};
    }
    asio::io_context ctx;
    FILE* log = std::fopen((spec.run_dir / "supervisor.log").c_str(), "w");
    bp::process supervisor(ctx,
                           supervisor_exe.string(),
                           {"__sandbox", spec_file.string()},
                           bp::process_stdio{nullptr, log, log},
                           with_the_grader{});
    if (log != nullptr) {
        std::fclose(log);
    }
    bp::error_code ec;
    {
        const registered_supervisor listed(supervisor.id());
        supervisor.wait(ec);
    }
    const auto outcome_file = spec.run_dir / "outcome.json";
    if (!std::filesystem::exists(outcome_file)) {
        return common::error{common::errc::internal,
                             "the sandbox supervisor wrote no outcome: " +
                                 common::read_text(spec.run_dir / "supervisor.log")};
    }
    try {
        return sandbox_outcome::from_json(json::parse(common::read_text(outcome_file)));
    } catch (const std::exception& e) {
        return common::error{common::errc::internal,
                             std::string("unreadable sandbox outcome: ") + e.what()};
    }
}

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_grader_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (const int sig : {SIGTERM, SIGINT, SIGHUP}) {
        ::sigaction(sig, &sa, nullptr);
    }
}

bool stop_requested() { return grader_stop.load(); }

void sweep_stale_sandboxes() { sandbox::run_cgroup::sweep_stale(); }

} // namespace grader
