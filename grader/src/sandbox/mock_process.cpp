// The run's own mock API: started before the command, stopped after it so that it writes its
// journal.

#include "common/text_file.hpp"
#include "parts.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/stdio.hpp>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace grader::sandbox {

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace bp = boost::process::v2;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// The mock runs as a uid of its own (not the candidate's: the candidate can neither signal
/// it nor see it in its /proc) and dies with the runner (without a PID namespace nothing
/// else would kill it). It works in its own directory, entered while still root: its files
/// are named relative to it, since the directories above (the grader's TMPDIR, say) need
/// not let the mock's uid through.
int become_mock(const char* dir, int uid, int gid) {
    if (::chdir(dir) != 0) {
        return errno;
    }
    if (uid >= 0 &&
        (::setgroups(0, nullptr) != 0 ||
         ::setresgid(static_cast<gid_t>(gid), static_cast<gid_t>(gid), static_cast<gid_t>(gid)) !=
             0 ||
         ::setresuid(static_cast<uid_t>(uid), static_cast<uid_t>(uid), static_cast<uid_t>(uid)) !=
             0)) {
        return errno;
    }
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    return 0;
}

struct mock_setup {
    const char* dir = nullptr;
    int uid = -1;
    int gid = -1;
    int exe_fd = -1; ///< the executable, run as /proc/self/fd/N: kept open for execve

    template <typename Launcher>
    bp::error_code
    on_exec_setup(Launcher& launcher, const bp::filesystem::path&, const char* const*&) {
        if (exe_fd >= 0) {
            launcher.fd_whitelist.push_back(exe_fd);
        }
        if (const int err = become_mock(dir, uid, gid); err != 0) {
            return {err, bp::system_category()};
        }
        return {};
    }
};

// The mock's own directory (scenario copy, journal), readable by the mock's uid only.
fs::path prepare_mock_dir(const sandbox_spec& spec, int uid, int gid) {
    const fs::path dir = spec.run_dir / "mock";
    fs::create_directories(dir);
    fs::copy_file(spec.mock_scenario, dir / "scenario.yaml", fs::copy_options::overwrite_existing);
    // A journal left from before would be mistaken for this run's evidence.
    fs::remove(dir / "journal.json");
    if (uid >= 0) {
        ::chown(dir.c_str(), static_cast<uid_t>(uid), static_cast<gid_t>(gid));
        ::chown((dir / "scenario.yaml").c_str(), static_cast<uid_t>(uid), static_cast<gid_t>(gid));
    }
    ::chmod(dir.c_str(), 0700);
    return dir;
}

} // namespace

// Starts mock_api and reads its first stdout line ("listening on URL").
mock_handle
start_mock(asio::io_context& ctx, const sandbox_spec& spec, bool switch_uid, sandbox_outcome& out) {
    mock_handle m;
    const auto started = clock_type::now();
    const int uid = switch_uid ? spec.identity.mock_uid : -1;
    const fs::path dir = prepare_mock_dir(spec, uid, spec.identity.mock_gid);
    m.journal = dir / "journal.json";
    asio::readable_pipe mock_out(ctx);
    // Executed through a descriptor opened as root: the mock's uid need not be let through
    // the directories above it (a grader built or installed under /root, mode 0700).
    const int exe_fd = ::open(spec.mock_exe.c_str(), O_PATH | O_CLOEXEC);
    const std::string exe =
        exe_fd >= 0 ? "/proc/self/fd/" + std::to_string(exe_fd) : spec.mock_exe.string();
    FILE* log = std::fopen((spec.run_dir / "mock.log").c_str(), "w");
    m.proc =
        std::make_unique<bp::process>(ctx,
                                      exe,
                                      std::vector<std::string>{"--scenario",
                                                               "scenario.yaml",
                                                               "--port",
                                                               "0",
                                                               "--no-admin",
                                                               "--journal",
                                                               "journal.json"},
                                      bp::process_stdio{nullptr, mock_out, log},
                                      mock_setup{dir.c_str(), uid, spec.identity.mock_gid, exe_fd});
    if (log != nullptr) {
        std::fclose(log);
    }
    if (exe_fd >= 0) {
        ::close(exe_fd);
    }
    std::string line;
    bool got_line = false;
    asio::steady_timer timer(ctx, std::chrono::seconds(10));
    asio::async_read_until(
        mock_out, asio::dynamic_buffer(line), '\n', [&](const bp::error_code& ec, std::size_t) {
            got_line = !ec;
            timer.cancel();
        });
    timer.async_wait([&](const bp::error_code& ec) {
        if (!ec) {
            mock_out.close();
        }
    });
    ctx.run();
    ctx.restart();
    const std::string prefix = "listening on ";
    if (!got_line || line.rfind(prefix, 0) != 0) {
        out.error = "mock_api did not start: " + common::read_text(spec.run_dir / "mock.log");
        return m;
    }
    m.url = line.substr(prefix.size());
    while (!m.url.empty() && (m.url.back() == '\n' || m.url.back() == '\r')) {
        m.url.pop_back();
    }
    out.run.mock_start_s = seconds_since(started);
    return m;
}

// Stops the mock with SIGTERM so that it writes its journal. Returns "" when it exited 0,
// else what happened: a mock that died or was killed (by the candidate, say) voids the run's
// evidence, since its journal is missing or could have been written by someone else.
std::string stop_mock(mock_handle& m) {
    if (!m.proc) {
        return {};
    }
    const pid_t pid = m.proc->id();
    m.proc->detach();
    ::kill(pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 500; ++i) { // up to 5 s for the journal to be written
        const pid_t waited = ::waitpid(pid, &status, WNOHANG);
        if (waited < 0) {
            return "the mock API ended before the run did";
        }
        if (waited == pid) {
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                return {};
            }
            return WIFSIGNALED(status)
                       ? "the mock API was killed by " + signal_name(WTERMSIG(status))
                       : "the mock API exited with code " + std::to_string(WEXITSTATUS(status));
        }
        ::usleep(10000);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return "the mock API did not stop within 5 s";
}

} // namespace grader::sandbox
