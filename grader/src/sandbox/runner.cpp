// The runner, PID 1 of the run's namespaces: starts the mock and the command, captures the
// command's output up to a cap, enforces the deadline, cleans up, writes RUN/outcome.json.

#include "cgroup.hpp"
#include "common/text_file.hpp"
#include "parts.hpp"

#include <array>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/stdio.hpp>
#include <csignal>
#include <functional>
#include <sstream>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace grader::sandbox {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using clock_type = std::chrono::steady_clock;

namespace {

/// In the child between fork and exec (the runner is single-threaded: the child may
/// allocate). A failed step is reported through the shared page and fails the spawn.
struct confined {
    const confinement* plan;

    template <typename Launcher>
    bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) {
        if (confine(*plan)) {
            return {};
        }
        return {errno != 0 ? errno : EPERM, bp::system_category()};
    }
};

/// Reads a pipe to its end, keeping the first `cap` bytes and counting the rest.
class capped_reader {
  public:
    capped_reader(asio::readable_pipe& pipe,
                  std::size_t cap,
                  std::string& text,
                  std::uint64_t& dropped,
                  std::function<void()> on_end,
                  std::function<void()> on_flood)
        : pipe_(pipe), cap_(cap), text_(text), dropped_(dropped), on_end_(std::move(on_end)),
          on_flood_(std::move(on_flood)) {}

    /// Past this many dropped bytes `on_flood` is called (once).
    std::uint64_t flood_bytes = UINT64_MAX;

    void start() {
        pipe_.async_read_some(
            asio::buffer(chunk_), [this](const bp::error_code& ec, std::size_t n) {
                const std::size_t keep = std::min(n, cap_ > text_.size() ? cap_ - text_.size() : 0);
                text_.append(chunk_.data(), keep);
                dropped_ += n - keep;
                if (dropped_ > flood_bytes && on_flood_) {
                    std::exchange(on_flood_, nullptr)();
                }
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
    std::function<void()> on_flood_;
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

double cpu_seconds(const rusage& r) {
    return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
           static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

/// One run of the command: started at construction, finished by wait().
class command_run {
  public:
    command_run(asio::io_context& ctx,
                const sandbox_spec& spec,
                const std::map<std::string, std::string>& env,
                const confinement& plan,
                run_outcome& out)
        : ctx_(ctx), spec_(spec), out_(out), out_pipe_(ctx), err_pipe_(ctx), deadline_(ctx),
          drain_(ctx) {
        std::vector<std::string> env_list;
        for (const auto& [k, v] : env) {
            env_list.push_back(k + "=" + v);
        }
        const std::vector<std::string> args(spec.command.begin() + 1, spec.command.end());
        started_ = clock_type::now();
        ::getrusage(RUSAGE_CHILDREN, &before_);
        proc_ = std::make_unique<bp::process>(ctx,
                                              find_on_path(spec.command.at(0), env),
                                              args,
                                              bp::process_stdio{nullptr, out_pipe_, err_pipe_},
                                              bp::process_environment(env_list),
                                              confined{&plan});
    }

    /// The command wrote past the output cap by far: it was killed for it.
    bool flooded() const { return flooded_; }

    /// Runs the event loop until the command ended and its output was read (or cut off).
    void wait(bool own_proc, pid_t keep) {
        const pid_t group = proc_->id();
        const auto flood = [this, group] {
            flooded_ = true;
            ::kill(-group, SIGKILL);
        };
        capped_reader read_out(
            out_pipe_,
            spec_.limits.output_cap_bytes,
            out_.stdout_text,
            out_.stdout_dropped,
            [this] { pipe_ended(); },
            flood);
        capped_reader read_err(
            err_pipe_,
            spec_.limits.output_cap_bytes,
            out_.stderr_text,
            out_.stderr_dropped,
            [this] { pipe_ended(); },
            flood);
        read_out.flood_bytes = read_err.flood_bytes = spec_.limits.output_kill_bytes;
        read_out.start();
        read_err.start();
        deadline_.expires_after(std::chrono::duration_cast<clock_type::duration>(
            std::chrono::duration<double>(spec_.deadline_s)));
        deadline_.async_wait([this, group](const bp::error_code& ec) {
            if (!ec) {
                out_.timed_out = true;
                ::kill(-group, SIGKILL);
            }
        });
        proc_->async_wait([this, group, own_proc, keep](const bp::error_code&, int) {
            exited(group, own_proc, keep);
        });
        ctx_.run();
        finish();
    }

  private:
    void pipe_ended() {
        if (--open_pipes_ == 0 && exited_) {
            drain_.cancel();
        }
    }

    // The command is gone: kill what it left, then give leftover writers of the pipes (an
    // escaped grandchild) a short grace period before cutting them off.
    void exited(pid_t group, bool own_proc, pid_t keep) {
        out_.wall_s = std::chrono::duration<double>(clock_type::now() - started_).count();
        status_ = proc_->native_exit_code();
        exited_ = true;
        deadline_.cancel();
        kill_leftovers(group, own_proc, keep);
        if (open_pipes_ == 0) {
            return;
        }
        drain_.expires_after(std::chrono::milliseconds(300));
        drain_.async_wait([this](const bp::error_code& ec) {
            if (!ec) {
                out_pipe_.close();
                err_pipe_.close();
            }
        });
    }

    void finish() {
        rusage after{};
        ::getrusage(RUSAGE_CHILDREN, &after);
        out_.cpu_s = cpu_seconds(after) - cpu_seconds(before_);
        out_.max_rss_kb = after.ru_maxrss;
        if (WIFEXITED(status_)) {
            out_.exit_code = WEXITSTATUS(status_);
        } else if (WIFSIGNALED(status_)) {
            out_.signal = WTERMSIG(status_);
        }
    }

    asio::io_context& ctx_;
    const sandbox_spec& spec_;
    run_outcome& out_;
    asio::readable_pipe out_pipe_;
    asio::readable_pipe err_pipe_;
    asio::steady_timer deadline_;
    asio::steady_timer drain_;
    std::unique_ptr<bp::process> proc_;
    clock_type::time_point started_;
    rusage before_{};
    int open_pipes_ = 2;
    bool exited_ = false;
    bool flooded_ = false;
    int status_ = 0;
};

// Which limit ended the run, most specific first: the counters tell an OOM kill or a CPU
// kill from a deadline kill (all SIGKILL).
limit_hit classify(const run_outcome& r, const sandbox_limits& limits, bool flooded) {
    const bool killed = r.signal == SIGKILL;
    if (flooded) {
        return limit_hit::output;
    }
    if (r.oom_kills > 0 && (killed || r.timed_out || r.exit_code != 0)) {
        return limit_hit::memory;
    }
    if (r.signal == SIGXCPU || (killed && !r.timed_out && r.cpu_s >= limits.cpu_s - 0.5)) {
        return limit_hit::cpu;
    }
    if (r.forks_refused > 0 && (r.timed_out || r.exit_code != 0 || r.signal)) {
        return limit_hit::processes;
    }
    return r.timed_out ? limit_hit::deadline : limit_hit::none;
}

// The command, confined as planned; a failed confinement step voids the run with its reason.
void run_confined(asio::io_context& ctx,
                  const sandbox_spec& spec,
                  const std::map<std::string, std::string>& env,
                  const confinement& plan,
                  pid_t mock_pid,
                  bool own_proc,
                  sandbox_outcome& out,
                  bool& flooded) {
    try {
        command_run run(ctx, spec, env, plan, out.run);
        run.wait(own_proc, mock_pid);
        flooded = run.flooded();
    } catch (const std::exception& e) {
        out.error = plan.report->failed[0] != '\0'
                        ? std::string("cannot confine the command: ") + plan.report->failed
                        : std::string("cannot start the command: ") + e.what();
    }
}

sandbox_outcome run_command(const sandbox_spec& spec,
                            const confinement& plan,
                            bool own_proc,
                            const run_cgroup& cg) {
    sandbox_outcome out;
    asio::io_context ctx;
    mock_handle mock;
    auto env = spec.env;
    if (!spec.mock_exe.empty()) {
        mock = start_mock(ctx, spec, plan.switch_uid, out);
        if (!out.error.empty()) {
            stop_mock(mock);
            return out;
        }
        out.mock_url = mock.url;
        env["JOBS_API_URL"] = mock.url;
        out.journal = mock.journal;
    }
    bool flooded = false;
    run_confined(ctx, spec, env, plan, mock.proc ? mock.proc->id() : 0, own_proc, out, flooded);
    const auto counters = cg.read();
    out.run.oom_kills = counters.oom_kills;
    out.run.forks_refused = counters.forks_refused;
    out.run.memory_peak_kb = counters.memory_peak_kb;
    out.run.limit = classify(out.run, spec.limits, flooded);
    if (const auto trouble = stop_mock(mock); !trouble.empty() && out.error.empty()) {
        out.error = trouble + ": this run's journal cannot be trusted";
    }
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    return out;
}

// The directories the command writes for the grader get their budget (only in a mount
// namespace of our own whose mounts do not reach the host: `own_proc` made them private).
std::vector<collected_dir>
mount_collected(const sandbox_spec& spec, bool own_proc, isolation_report& isolation) {
    std::vector<collected_dir> dirs;
    for (const auto& v : spec.view) {
        if (v.access != view_access::collected || !own_proc) {
            continue;
        }
        std::string why_not;
        auto dir = collected_dir::mount(
            v.path, static_cast<std::uint64_t>(spec.limits.file_size_mb) << 20, why_not);
        if (!why_not.empty()) {
            isolation.unavailable.push_back("a budget for what it writes for the grader (" +
                                            why_not + "): it writes to the host's disk");
            continue;
        }
        dirs.push_back(std::move(dir));
    }
    return dirs;
}

// A page the child can write its confinement report into before exec.
confine_report* shared_report() {
    void* page = ::mmap(
        nullptr, sizeof(confine_report), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return page == MAP_FAILED ? nullptr : new (page) confine_report{};
}

} // namespace

int runner_main(const sandbox_spec& spec,
                const namespaces_entered& ns,
                const run_cgroup& cg,
                const std::string& cgroup_error) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL); // die with the supervisor
    const bool own_proc = ns.isolated && mount_own_proc();
    if (!own_proc) {
        ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    }
    sandbox_outcome out;
    confinement plan;
    out.isolation = plan_confinement(spec, ns, cg, cgroup_error, plan);
    plan.root_dir = spec.run_dir / "root";
    plan.report = shared_report();
    std::error_code ec;
    std::filesystem::create_directories(plan.root_dir, ec);
    if (plan.report == nullptr) {
        out.error = "sandbox runner: no shared page for the confinement report";
    } else if (spec.require_isolation && !out.isolation.unavailable.empty()) {
        out.error = "isolation required but unavailable: " + out.isolation.unavailable.front();
    } else {
        try {
            auto isolation = out.isolation;
            auto collected = mount_collected(spec, own_proc, isolation);
            out = run_command(spec, plan, own_proc, cg);
            for (auto& dir : collected) {
                dir.collect();
            }
            out.isolation = isolation;
            if (plan.report->notes[0] != '\0') {
                out.isolation.unavailable.emplace_back(plan.report->notes);
            }
        } catch (const std::exception& e) {
            out.error = std::string("sandbox runner: ") + e.what();
        }
    }
    // Candidate output may hold any bytes: invalid UTF-8 is replaced, never a reason to fail.
    const auto text = out.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return common::write_text(spec.run_dir / "outcome.json", text) ? 0 : 1;
}

} // namespace grader::sandbox
