#include "builders.hpp"

#include <algorithm>
#include <cstdlib>

namespace grader::build {

namespace fs = std::filesystem;

void copy_tree(const fs::path& from, const fs::path& to, const std::vector<std::string>& skip) {
    fs::create_directories(to);
    for (const auto& entry : fs::directory_iterator(from)) {
        const auto name = entry.path().filename().string();
        if (std::find(skip.begin(), skip.end(), name) != skip.end()) {
            continue;
        }
        fs::copy(
            entry.path(), to / name, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    }
}

// cargo compares the mtimes of a unit's outputs with those of its dependencies: fresh copy
// times in arbitrary order would make it rebuild everything.
void copy_preserving_times(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator();
         ++it) {
        const fs::path dest = to / fs::relative(it->path(), from);
        if (it->is_symlink()) {
            fs::copy_symlink(it->path(), dest);
        } else if (it->is_directory()) {
            fs::create_directories(dest);
        } else {
            fs::copy_file(it->path(), dest);
            fs::last_write_time(dest, fs::last_write_time(it->path()));
        }
    }
}

std::map<std::string, std::string> build_env(const build_context& ctx, const fs::path& tool_dir) {
    const char* home = std::getenv("HOME");
    std::map<std::string, std::string> env{
        {"PATH",
         (tool_dir.empty() ? "" : tool_dir.string() + ":") + "/usr/local/bin:/usr/bin:/bin"},
        {"HOME", home != nullptr ? home : "/root"},
        {"LANG", "C.UTF-8"},
        {"TMPDIR", (ctx.work_dir / "tmp").string()},
        {"CARGO_TERM_COLOR", "never"},
    };
    for (const char* name : {"RUSTUP_HOME", "CARGO_HOME", "RUSTUP_TOOLCHAIN"}) {
        if (const char* v = std::getenv(name)) {
            env[name] = v;
        }
    }
    return env;
}

// Room for cargo's JSON messages (one line per compiled unit): 16 MiB of output.
common::result<sandbox_outcome> run_build_step(const build_context& ctx,
                                               const fs::path& run_dir,
                                               std::vector<std::string> command,
                                               const fs::path& cwd,
                                               std::map<std::string, std::string> env) {
    sandbox_spec spec;
    spec.run_dir = run_dir;
    spec.command = std::move(command);
    spec.cwd = cwd;
    spec.env = std::move(env);
    spec.deadline_s = ctx.timeout_s;
    spec.limits = ctx.limits;
    spec.limits.output_cap_bytes = 16 << 20;
    return run_sandboxed(spec, ctx.supervisor_exe);
}

double seconds_since(std::chrono::steady_clock::time_point started) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

} // namespace grader::build
