// The supervisor (`grader __sandbox SPEC.json`) and the grader's side of it (run_sandboxed).

#include "common/text_file.hpp"
#include "parts.hpp"

#include <boost/process/v2/stdio.hpp>
#include <csignal>
#include <cstdio>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace grader {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using nlohmann::json;

namespace {

// True when `child` exited within `limit_ms` (it is not reaped here).
bool wait_for_exit(pid_t child, int limit_ms) {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
    if (pidfd >= 0) {
        pollfd p{pidfd, POLLIN, 0};
        const bool exited = ::poll(&p, 1, limit_ms) > 0;
        ::close(pidfd);
        return exited;
    }
    for (int waited = 0; waited < limit_ms; waited += 10) {
        siginfo_t info{};
        const int flags = WEXITED | WNOHANG | WNOWAIT;
        if (::waitid(P_PID, static_cast<id_t>(child), &info, flags) == 0 && info.si_pid == child) {
            return true;
        }
        ::usleep(10000);
    }
    return false;
}

} // namespace

int sandbox_main(const std::filesystem::path& spec_file) {
    sandbox_spec spec;
    try {
        spec = sandbox_spec::from_json(json::parse(common::read_text(spec_file)));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "grader __sandbox: bad spec %s: %s\n", spec_file.c_str(), e.what());
        return 2;
    }
    std::string isolation;
    std::string ns_error;
    const auto ns = sandbox::enter_namespaces(isolation, ns_error);
    if (ns == sandbox::ns_result::failed ||
        (ns == sandbox::ns_result::none && !spec.allow_no_isolation)) {
        sandbox_outcome out;
        out.isolation = isolation;
        out.error = ns_error;
        common::write_text(spec.run_dir / "outcome.json", out.to_json().dump());
        return 0;
    }
    const pid_t runner = ::fork();
    if (runner < 0) {
        return 3;
    }
    if (runner == 0) {
        ::_exit(sandbox::runner_main(spec, isolation, ns == sandbox::ns_result::isolated));
    }
    // The runner needs the command's deadline plus time to start and stop the mock.
    const bool exited = wait_for_exit(runner, static_cast<int>(spec.deadline_s * 1000) + 30000);
    if (!exited) {
        ::kill(runner, SIGKILL); // PID 1 gone: the kernel kills the whole namespace
    }
    int status = 0;
    ::waitpid(runner, &status, 0);
    if (!std::filesystem::exists(spec.run_dir / "outcome.json")) {
        sandbox_outcome out;
        out.isolation = isolation;
        out.error = exited ? "the sandbox runner ended without an outcome"
                           : "the sandbox runner hung and was killed";
        common::write_text(spec.run_dir / "outcome.json", out.to_json().dump());
    }
    return 0;
}

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
                           bp::process_stdio{nullptr, log, log});
    if (log != nullptr) {
        std::fclose(log);
    }
    bp::error_code ec;
    supervisor.wait(ec);
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

} // namespace grader
