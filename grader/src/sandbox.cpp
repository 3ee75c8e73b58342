#include "grader/sandbox.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sstream>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace grader {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

bool write_text(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out.flush());
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// --- namespaces -------------------------------------------------------------------------

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

enum class ns_result { isolated, none, failed };

// Enters new network and PID namespaces; the caller's next child is PID 1 of the latter.
ns_result enter_namespaces(std::string& isolation, std::string& error) {
    if (::unshare(CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS) == 0) {
        isolation = "netns+pidns (root)";
    } else {
        // Unprivileged: a user namespace grants the capabilities inside (EPERM in a chroot).
        const auto uid = ::getuid();
        const auto gid = ::getgid();
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS) != 0) {
            isolation = "none (host loopback)";
            error = std::string("namespaces unavailable: ") + std::strerror(errno);
            return ns_result::none;
        }
        write_proc("/proc/self/setgroups", "deny");
        write_proc("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
        write_proc("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
        isolation = "netns+pidns (user namespace)";
    }
    if (!bring_loopback_up()) {
        error = std::string("cannot bring up loopback in the new network namespace: ") +
                std::strerror(errno);
        return ns_result::failed;
    }
    return ns_result::isolated;
}

// --- the runner (PID 1 of the namespace) --------------------------------------------------

/// Applied in the child between fork and exec: only async-signal-safe calls.
struct child_setup {
    const sandbox_limits* limits;

    template <typename Launcher>
    bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) {
        ::setpgid(0, 0); // its own process group: the deadline kills the whole group
        const auto set = [](int resource, rlim_t value) {
            const rlimit lim{value, value};
            ::setrlimit(resource, &lim);
        };
        set(RLIMIT_CPU, static_cast<rlim_t>(limits->cpu_s));
        set(RLIMIT_AS, static_cast<rlim_t>(limits->memory_mb) * 1024 * 1024);
        set(RLIMIT_FSIZE, static_cast<rlim_t>(limits->file_size_mb) * 1024 * 1024);
        set(RLIMIT_NOFILE, static_cast<rlim_t>(limits->open_files));
        set(RLIMIT_CORE, 0);
        // Die with the runner if it goes away.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        return {};
    }
};

/// For the mock: die with the runner (without a PID namespace nothing else would kill it).
struct die_with_parent {
    template <typename Launcher>
    bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        return {};
    }
};

/// Reads a pipe to its end, keeping the first `cap` bytes and counting the rest.
class capped_reader {
  public:
    capped_reader(asio::readable_pipe& pipe,
                  std::size_t cap,
                  std::string& text,
                  std::uint64_t& dropped,
                  std::function<void()> on_end)
        : pipe_(pipe), cap_(cap), text_(text), dropped_(dropped), on_end_(std::move(on_end)) {}

    void start() {
        pipe_.async_read_some(
            asio::buffer(chunk_), [this](const bp::error_code& ec, std::size_t n) {
                const std::size_t keep = std::min(n, cap_ > text_.size() ? cap_ - text_.size() : 0);
                text_.append(chunk_.data(), keep);
                dropped_ += n - keep;
                if (!ec) {
                    start();
                } else {
                    on_end_();
                }
            });
    }

  private:
    asio::readable_pipe& pipe_;
    std::size_t cap_;
    std::string& text_;
    std::uint64_t& dropped_;
    std::function<void()> on_end_;
    std::array<char, 16384> chunk_{};
};

std::string find_on_path(const std::string& name, const std::map<std::string, std::string>& env) {
    if (name.find('/') != std::string::npos) {
        return name;
    }
    const auto path = env.find("PATH");
    std::stringstream dirs(path == env.end() ? "/usr/bin:/bin" : path->second);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const auto candidate = std::filesystem::path(dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate.string();
        }
    }
    return name;
}

struct mock_handle {
    std::unique_ptr<bp::process> proc;
    std::string url;
};

// Starts mock_api and reads its first stdout line ("listening on URL").
mock_handle start_mock(asio::io_context& ctx, const sandbox_spec& spec, sandbox_outcome& out) {
    mock_handle m;
    const auto started = clock_type::now();
    asio::readable_pipe mock_out(ctx);
    FILE* log = std::fopen((spec.run_dir / "mock.log").c_str(), "w");
    m.proc = std::make_unique<bp::process>(
        ctx,
        spec.mock_exe.string(),
        std::vector<std::string>{"--scenario",
                                 spec.mock_scenario.string(),
                                 "--port",
                                 "0",
                                 "--no-admin",
                                 "--journal",
                                 (spec.run_dir / "journal.json").string()},
        bp::process_stdio{nullptr, mock_out, log},
        die_with_parent{});
    if (log != nullptr) {
        std::fclose(log);
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
        out.error = "mock_api did not start: " + read_text(spec.run_dir / "mock.log");
        return m;
    }
    m.url = line.substr(prefix.size());
    while (!m.url.empty() && (m.url.back() == '\n' || m.url.back() == '\r')) {
        m.url.pop_back();
    }
    out.mock_start_s = seconds_since(started);
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

// Every process of this PID namespace except PID 1 (us) and `keep`, from our own /proc.
std::vector<pid_t> namespace_processes(pid_t keep) {
    std::vector<pid_t> pids;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const auto name = entry.path().filename().string();
        pid_t pid = 0;
        const auto [ptr, err] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (err == std::errc{} && ptr == name.data() + name.size() && pid != 1 && pid != keep) {
            pids.push_back(pid);
        }
    }
    return pids;
}

// Kills what the command left behind, escapees from its process group included: with a PID
// namespace and our own /proc, every process of the namespace but the mock; otherwise the
// children this subreaper adopted. Repeated, since a process may fork while we kill.
void kill_leftovers(pid_t command, bool own_proc, pid_t keep) {
    ::kill(-command, SIGKILL);
    ::kill(command, SIGKILL);
    for (int round = 0; round < 3; ++round) {
        std::vector<pid_t> pids;
        if (own_proc) {
            pids = namespace_processes(keep);
        } else {
            std::stringstream ids(
                read_text("/proc/self/task/" + std::to_string(::getpid()) + "/children"));
            for (pid_t pid = 0; ids >> pid;) {
                if (pid != keep) {
                    pids.push_back(pid);
                }
            }
        }
        for (const pid_t pid : pids) {
            ::kill(pid, SIGKILL);
        }
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        if (pids.empty()) {
            return;
        }
    }
}

sandbox_outcome run_command(const sandbox_spec& spec, const std::string& isolation, bool own_proc) {
    sandbox_outcome out;
    out.isolation = isolation;
    asio::io_context ctx;
    mock_handle mock;
    auto env = spec.env;
    if (!spec.mock_exe.empty()) {
        // A journal left from before would be mistaken for this run's evidence.
        std::filesystem::remove(spec.run_dir / "journal.json");
        mock = start_mock(ctx, spec, out);
        if (!out.error.empty()) {
            stop_mock(mock);
            return out;
        }
        out.mock_url = mock.url;
        env["JOBS_API_URL"] = mock.url;
        out.journal = spec.run_dir / "journal.json";
    }
    std::vector<std::string> env_list;
    for (const auto& [k, v] : env) {
        env_list.push_back(k + "=" + v);
    }
    asio::readable_pipe out_pipe(ctx);
    asio::readable_pipe err_pipe(ctx);
    const std::string exe = find_on_path(spec.command.at(0), env);
    const std::vector<std::string> args(spec.command.begin() + 1, spec.command.end());
    const auto started = clock_type::now();
    rusage before{};
    ::getrusage(RUSAGE_CHILDREN, &before);
    bp::error_code spawn_error;
    bp::process proc(ctx,
                     exe,
                     args,
                     bp::process_stdio{nullptr, out_pipe, err_pipe},
                     bp::process_start_dir(spec.cwd.string()),
                     bp::process_environment(env_list),
                     child_setup{&spec.limits});
    const pid_t group = proc.id();

    // The run is over when the command has exited and both pipes reached their end; leftover
    // writers (an escaped grandchild) could hold the pipes open, so after the exit they get a
    // short grace period and are then cut off.
    asio::steady_timer deadline(ctx,
                                std::chrono::duration_cast<clock_type::duration>(
                                    std::chrono::duration<double>(spec.deadline_s)));
    asio::steady_timer drain(ctx);
    int open_pipes = 2;
    bool exited = false;
    const auto pipe_ended = [&] {
        if (--open_pipes == 0 && exited) {
            drain.cancel();
        }
    };
    capped_reader read_out(
        out_pipe, spec.limits.output_cap_bytes, out.stdout_text, out.stdout_dropped, pipe_ended);
    capped_reader read_err(
        err_pipe, spec.limits.output_cap_bytes, out.stderr_text, out.stderr_dropped, pipe_ended);
    read_out.start();
    read_err.start();
    int status = 0;
    deadline.async_wait([&](const bp::error_code& ec) {
        if (!ec) {
            out.timed_out = true;
            ::kill(-group, SIGKILL);
        }
    });
    proc.async_wait([&](const bp::error_code&, int) {
        out.wall_s = seconds_since(started);
        status = proc.native_exit_code();
        exited = true;
        deadline.cancel();
        kill_leftovers(group, own_proc, mock.proc ? mock.proc->id() : 0);
        if (open_pipes == 0) {
            return;
        }
        drain.expires_after(std::chrono::milliseconds(300));
        drain.async_wait([&](const bp::error_code& ec) {
            if (!ec) {
                out_pipe.close();
                err_pipe.close();
            }
        });
    });
    ctx.run();

    rusage after{};
    ::getrusage(RUSAGE_CHILDREN, &after);
    const auto cpu = [](const rusage& r) {
        return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
               static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
    };
    out.cpu_s = cpu(after) - cpu(before);
    out.max_rss_kb = after.ru_maxrss;
    if (WIFEXITED(status)) {
        out.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        out.signal = WTERMSIG(status);
    }
    if (const auto trouble = stop_mock(mock); !trouble.empty()) {
        out.error = trouble + ": this run's journal cannot be trusted";
    }
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    return out;
}

// A /proc of our own PID namespace, so that leftovers can be found and the command sees only
// its own namespace's processes. Needs the mount namespace the supervisor entered.
bool mount_own_proc() {
    return ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
           ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0;
}

int runner_main(const sandbox_spec& spec, const std::string& isolation, bool pid_namespace) {
    const bool own_proc = pid_namespace && mount_own_proc();
    if (!own_proc) {
        ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    }
    sandbox_outcome out;
    try {
        out = run_command(spec, isolation, own_proc);
    } catch (const std::exception& e) {
        out.isolation = isolation;
        out.error = std::string("sandbox runner: ") + e.what();
    }
    // Candidate output may hold any bytes: invalid UTF-8 is replaced, never a reason to fail.
    const auto text = out.to_json().dump(-1, ' ', false, json::error_handler_t::replace);
    return write_text(spec.run_dir / "outcome.json", text) ? 0 : 1;
}

} // namespace

// --- JSON ---------------------------------------------------------------------------------

json sandbox_spec::to_json() const {
    return {{"run_dir", run_dir.string()},
            {"command", command},
            {"cwd", cwd.string()},
            {"env", env},
            {"deadline_s", deadline_s},
            {"limits",
             {{"cpu_s", limits.cpu_s},
              {"memory_mb", limits.memory_mb},
              {"file_size_mb", limits.file_size_mb},
              {"open_files", limits.open_files},
              {"output_cap_bytes", limits.output_cap_bytes}}},
            {"mock_exe", mock_exe.string()},
            {"mock_scenario", mock_scenario.string()},
            {"allow_no_isolation", allow_no_isolation}};
}

sandbox_spec sandbox_spec::from_json(const json& doc) {
    sandbox_spec s;
    s.run_dir = doc.at("run_dir").get<std::string>();
    s.command = doc.at("command").get<std::vector<std::string>>();
    s.cwd = doc.at("cwd").get<std::string>();
    s.env = doc.at("env").get<std::map<std::string, std::string>>();
    s.deadline_s = doc.at("deadline_s").get<double>();
    const auto& l = doc.at("limits");
    s.limits.cpu_s = l.at("cpu_s").get<int>();
    s.limits.memory_mb = l.at("memory_mb").get<int>();
    s.limits.file_size_mb = l.at("file_size_mb").get<int>();
    s.limits.open_files = l.at("open_files").get<int>();
    s.limits.output_cap_bytes = l.at("output_cap_bytes").get<std::size_t>();
    s.mock_exe = doc.at("mock_exe").get<std::string>();
    s.mock_scenario = doc.at("mock_scenario").get<std::string>();
    s.allow_no_isolation = doc.at("allow_no_isolation").get<bool>();
    return s;
}

json sandbox_outcome::to_json() const {
    return {{"isolation", isolation},
            {"exit_code", exit_code ? json(*exit_code) : json(nullptr)},
            {"signal", signal ? json(*signal) : json(nullptr)},
            {"timed_out", timed_out},
            {"wall_s", wall_s},
            {"cpu_s", cpu_s},
            {"max_rss_kb", max_rss_kb},
            {"stdout", stdout_text},
            {"stderr", stderr_text},
            {"stdout_dropped", stdout_dropped},
            {"stderr_dropped", stderr_dropped},
            {"mock_url", mock_url},
            {"mock_start_s", mock_start_s},
            {"error", error},
            {"journal", journal.string()}};
}

sandbox_outcome sandbox_outcome::from_json(const json& doc) {
    sandbox_outcome o;
    o.isolation = doc.at("isolation").get<std::string>();
    if (!doc.at("exit_code").is_null()) {
        o.exit_code = doc.at("exit_code").get<int>();
    }
    if (!doc.at("signal").is_null()) {
        o.signal = doc.at("signal").get<int>();
    }
    o.timed_out = doc.at("timed_out").get<bool>();
    o.wall_s = doc.at("wall_s").get<double>();
    o.cpu_s = doc.at("cpu_s").get<double>();
    o.max_rss_kb = doc.at("max_rss_kb").get<long>();
    o.stdout_text = doc.at("stdout").get<std::string>();
    o.stderr_text = doc.at("stderr").get<std::string>();
    o.stdout_dropped = doc.at("stdout_dropped").get<std::uint64_t>();
    o.stderr_dropped = doc.at("stderr_dropped").get<std::uint64_t>();
    o.mock_url = doc.at("mock_url").get<std::string>();
    o.mock_start_s = doc.at("mock_start_s").get<double>();
    o.error = doc.at("error").get<std::string>();
    o.journal = doc.at("journal").get<std::string>();
    return o;
}

// --- supervisor ---------------------------------------------------------------------------

int sandbox_main(const std::filesystem::path& spec_file) {
    sandbox_spec spec;
    try {
        spec = sandbox_spec::from_json(json::parse(read_text(spec_file)));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "grader __sandbox: bad spec %s: %s\n", spec_file.c_str(), e.what());
        return 2;
    }
    std::string isolation;
    std::string ns_error;
    const ns_result ns = enter_namespaces(isolation, ns_error);
    if (ns == ns_result::failed || (ns == ns_result::none && !spec.allow_no_isolation)) {
        sandbox_outcome out;
        out.isolation = isolation;
        out.error = ns_error;
        write_text(spec.run_dir / "outcome.json", out.to_json().dump());
        return 0;
    }
    const pid_t runner = ::fork();
    if (runner < 0) {
        return 3;
    }
    if (runner == 0) {
        ::_exit(runner_main(spec, isolation, ns == ns_result::isolated));
    }
    // The runner needs the command's deadline plus time to start and stop the mock.
    const int hard_limit_ms = static_cast<int>(spec.deadline_s * 1000) + 30000;
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, runner, 0));
    bool exited = false;
    if (pidfd >= 0) {
        pollfd p{pidfd, POLLIN, 0};
        exited = ::poll(&p, 1, hard_limit_ms) > 0;
        ::close(pidfd);
    } else {
        for (int waited = 0; waited < hard_limit_ms && !exited; waited += 10) {
            exited = ::waitpid(runner, nullptr, WNOHANG) == runner;
            ::usleep(10000);
        }
    }
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
        write_text(spec.run_dir / "outcome.json", out.to_json().dump());
    }
    return 0;
}

common::result<sandbox_outcome> run_sandboxed(const sandbox_spec& spec,
                                              const std::filesystem::path& supervisor_exe) {
    std::error_code fs_error;
    std::filesystem::create_directories(spec.run_dir, fs_error);
    const auto spec_file = spec.run_dir / "spec.json";
    std::filesystem::remove(spec.run_dir / "outcome.json", fs_error);
    if (!write_text(spec_file, spec.to_json().dump(2))) {
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
                                 read_text(spec.run_dir / "supervisor.log")};
    }
    try {
        return sandbox_outcome::from_json(json::parse(read_text(outcome_file)));
    } catch (const std::exception& e) {
        return common::error{common::errc::internal,
                             std::string("unreadable sandbox outcome: ") + e.what()};
    }
}

std::string signal_name(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

} // namespace grader
