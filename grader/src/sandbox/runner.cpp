// The runner, PID 1 of the run's namespaces: starts the mock and the command, captures the
// command's output up to a cap, enforces the deadline, cleans up, writes RUN/outcome.json.

#include "common/text_file.hpp"
#include "parts.hpp"

#include <array>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
#include <csignal>
#include <functional>
#include <sstream>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace grader::sandbox {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using clock_type = std::chrono::steady_clock;

namespace {

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
        ::prctl(PR_SET_PDEATHSIG, SIGKILL); // die with the runner if it goes away
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
                                              bp::process_start_dir(spec.cwd.string()),
                                              bp::process_environment(env_list),
                                              child_setup{&spec.limits});
    }

    /// Runs the event loop until the command ended and its output was read (or cut off).
    void wait(bool own_proc, pid_t keep) {
        const pid_t group = proc_->id();
        capped_reader read_out(out_pipe_,
                               spec_.limits.output_cap_bytes,
                               out_.stdout_text,
                               out_.stdout_dropped,
                               [this] { pipe_ended(); });
        capped_reader read_err(err_pipe_,
                               spec_.limits.output_cap_bytes,
                               out_.stderr_text,
                               out_.stderr_dropped,
                               [this] { pipe_ended(); });
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
    int status_ = 0;
};

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
    command_run(ctx, spec, env, out.run).wait(own_proc, mock.proc ? mock.proc->id() : 0);
    if (const auto trouble = stop_mock(mock); !trouble.empty()) {
        out.error = trouble + ": this run's journal cannot be trusted";
    }
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    return out;
}

} // namespace

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
    const auto text = out.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return common::write_text(spec.run_dir / "outcome.json", text) ? 0 : 1;
}

} // namespace grader::sandbox
