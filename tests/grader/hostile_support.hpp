#pragma once
// What the hostile-submission tests need beyond grader_cli.hpp: the grader started with an
// environment of our choosing (TMPDIR), in a process group of its own, killed on every way
// out of a test; and the host looked over afterwards (processes, cgroups, files).

#include "grader_cli.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace test_support {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

/// Seconds since boot, as /proc/PID/stat counts a process's start (ticks of CLOCK_BOOTTIME).
inline double boot_seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_BOOTTIME, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

/// A process we started; on destruction its whole process group (or it alone) is SIGKILLed
/// and reaped, so that a failing test leaves nothing running.
class spawned {
  public:
    /// Starts `argv` with `extra_env` added to ours, stdout and stderr to files; in a process
    /// group of its own when `own_group`.
    spawned(const std::vector<std::string>& argv,
            const std::map<std::string, std::string>& extra_env,
            const fs::path& out_file,
            const fs::path& err_file,
            bool own_group)
        : own_group_(own_group), out_(out_file), err_(err_file) {
        std::vector<std::string> env_text;
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string entry = *e;
            if (extra_env.count(entry.substr(0, entry.find('='))) == 0) {
                env_text.push_back(entry);
            }
        }
        for (const auto& [k, v] : extra_env) {
            env_text.push_back(k + "=" + v);
        }
        std::vector<char*> args;
        std::vector<char*> envs;
        for (const auto& a : argv) {
            args.push_back(const_cast<char*>(a.c_str()));
        }
        for (const auto& e : env_text) {
            envs.push_back(const_cast<char*>(e.c_str()));
        }
        args.push_back(nullptr);
        envs.push_back(nullptr);
        started_ = steady_clock::now();
        started_boot_ = boot_seconds();
        pid_ = ::fork();
        if (pid_ == 0) {
            if (own_group) {
                ::setpgid(0, 0);
            }
            const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int in = ::open("/dev/null", O_RDONLY);
            ::dup2(in, 0);
            ::dup2(out, 1);
            ::dup2(err, 2);
            ::execve(args[0], args.data(), envs.data());
            ::_exit(127);
        }
        if (own_group && pid_ > 0) {
            ::setpgid(pid_, pid_); // either side may win the race; both set the same group
        }
    }
    ~spawned() {
        if (pid_ > 0 && !status_) {
            ::kill(own_group_ ? -pid_ : pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    spawned(const spawned&) = delete;
    spawned& operator=(const spawned&) = delete;

    pid_t pid() const { return pid_; }
    double started_boot() const { return started_boot_; }
    double ended_boot() const { return ended_boot_; }

    /// Waits up to `limit` for it to end; its exit code (-1 for a signal) or nullopt.
    std::optional<int> wait_for(std::chrono::duration<double> limit) {
        const auto until = steady_clock::now() + limit;
        while (!status_) {
            int status = 0;
            const pid_t got = ::waitpid(pid_, &status, WNOHANG);
            if (got == pid_) {
                status_ = status;
                ended_ = steady_clock::now();
                ended_boot_ = boot_seconds();
                break;
            }
            if (steady_clock::now() > until) {
                return std::nullopt;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return WIFEXITED(*status_) ? WEXITSTATUS(*status_) : -1;
    }

    /// Wall time from start to exit (or to now).
    double seconds() const {
        const auto end = status_ ? ended_ : steady_clock::now();
        return std::chrono::duration<double>(end - started_).count();
    }

    std::string out() const { return read_file(out_); }
    std::string err() const { return read_file(err_); }

    /// The file's bytes; empty when it cannot be read. A /proc file of a process that exits
    /// while it is read fails with ESRCH, which libstdc++'s filebuf throws as an exception:
    /// that process is simply gone (seen in CI: "underflow error reading the file").
    static std::string read_file(const fs::path& p) {
        try {
            std::ifstream in(p, std::ios::binary);
            return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        } catch (const std::exception&) {
            return {};
        }
    }

  private:
    pid_t pid_ = -1;
    bool own_group_ = false;
    fs::path out_;
    fs::path err_;
    steady_clock::time_point started_;
    steady_clock::time_point ended_;
    double started_boot_ = 0;
    double ended_boot_ = 0;
    std::optional<int> status_;
};

/// What /proc says about one process.
struct proc_entry {
    pid_t pid = 0;
    pid_t ppid = 0;
    int uid = -1;
    double started_boot = 0; ///< seconds since boot
    std::string cmdline;     ///< arguments joined by spaces
};

inline std::optional<proc_entry> read_proc(pid_t pid) {
    const fs::path dir = "/proc/" + std::to_string(pid);
    const std::string stat = spawned::read_file(dir / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    proc_entry p;
    p.pid = pid;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    std::vector<std::string> rest;
    while (fields >> field) {
        rest.push_back(field);
    }
    if (rest.size() < 20) {
        return std::nullopt;
    }
    p.ppid = std::stoi(rest[1]);                                                        // field 4
    p.started_boot = std::stod(rest[19]) / static_cast<double>(::sysconf(_SC_CLK_TCK)); // 22
    std::istringstream status(spawned::read_file(dir / "status"));
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("Uid:", 0) == 0) {
            p.uid = std::stoi(line.substr(4));
        }
    }
    p.cmdline = spawned::read_file(dir / "cmdline");
    std::replace(p.cmdline.begin(), p.cmdline.end(), '\0', ' ');
    return p;
}

inline std::vector<proc_entry> all_processes() {
    std::vector<proc_entry> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
        const auto name = e.path().filename().string();
        if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) {
            if (auto p = read_proc(std::stoi(name))) {
                found.push_back(*p);
            }
        }
    }
    return found;
}

/// True when `pid`'s chain of parents reaches `ancestor`.
inline bool descends_from(pid_t pid, pid_t ancestor) {
    for (int hops = 0; pid > 1 && hops < 64; ++hops) {
        const auto p = read_proc(pid);
        if (!p) {
            return false;
        }
        if (p->ppid == ancestor) {
            return true;
        }
        pid = p->ppid;
    }
    return false;
}

/// Processes of these uids that started before `before_boot` (a later one belongs to
/// whoever leased the uids after us): what a run left behind.
inline std::vector<proc_entry> left_by(const std::set<int>& uids, double before_boot) {
    std::vector<proc_entry> left;
    for (const auto& p : all_processes()) {
        if (uids.count(p.uid) != 0 && p.started_boot <= before_boot) {
            left.push_back(p);
        }
    }
    return left;
}

/// The run's uid and the mock's, from the result's isolation detail ("uid 61000 (mock: uid
/// 61001), ..."); empty when the runs had no uid of their own.
inline std::set<int> run_uids(const nlohmann::json& result) {
    static const std::regex uid_re(R"(^uid (\d+) \(mock: uid (\d+)\))");
    for (const auto& m : result["isolation_detail"]["in_force"]) {
        std::smatch match;
        const std::string text = m.get<std::string>();
        if (std::regex_search(text, match, uid_re)) {
            return {std::stoi(match[1]), std::stoi(match[2])};
        }
    }
    return {};
}

/// cgroups of the grader `pid` ("tg-PID-N") still there, v1 or v2.
inline std::vector<fs::path> cgroups_of(pid_t pid) {
    std::vector<fs::path> left;
    const std::string prefix = "tg-" + std::to_string(pid) + "-";
    for (const fs::path parent : {"/sys/fs/cgroup/memory/takehome-grader",
                                  "/sys/fs/cgroup/pids/takehome-grader",
                                  "/sys/fs/cgroup/takehome-grader"}) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(parent, ec)) {
            if (e.path().filename().string().rfind(prefix, 0) == 0) {
                left.push_back(e.path());
            }
        }
    }
    return left;
}

/// Names in a directory.
inline std::vector<std::string> entries_of(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        names.push_back(e.path().filename().string());
    }
    return names;
}

/// Polls `found` every 20 ms until it is true or `limit` passed.
template <typename Predicate>
bool eventually(std::chrono::duration<double> limit, Predicate found) {
    const auto until = steady_clock::now() + limit;
    while (!found()) {
        if (steady_clock::now() > until) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

} // namespace test_support
