#include "builders.hpp"
#include "grader/sandbox/identity.hpp"

#include <algorithm>
#include <cstdlib>
#include <unistd.h>

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

namespace {

fs::path rustup_home() {
    if (const char* v = std::getenv("RUSTUP_HOME")) {
        return v;
    }
    const char* home = std::getenv("HOME");
    return fs::path(home != nullptr ? home : "/root") / ".rustup";
}

} // namespace

std::map<std::string, std::string> build_env(const build_context& ctx, const fs::path& tool_dir) {
    std::map<std::string, std::string> env{
        {"PATH",
         (tool_dir.empty() ? "" : tool_dir.string() + ":") + "/usr/local/bin:/usr/bin:/bin"},
        {"HOME", (ctx.work_dir / "home").string()},
        {"LANG", "C.UTF-8"},
        {"TMPDIR", (ctx.work_dir / "tmp").string()},
        {"CARGO_TERM_COLOR", "never"},
        {"CARGO_HOME", (ctx.work_dir / "home" / ".cargo").string()},
        {"RUSTUP_HOME", rustup_home().string()},
    };
    if (const char* v = std::getenv("RUSTUP_TOOLCHAIN")) {
        env["RUSTUP_TOOLCHAIN"] = v;
    }
    return env;
}

std::vector<view_path> toolchain_view(const fs::path& tool) {
    std::vector<view_path> view;
    std::error_code ec;
    for (const auto& dir : {tool.parent_path(), rustup_home()}) {
        if (!dir.empty() && fs::is_directory(dir, ec) && dir.string().rfind("/usr/", 0) != 0) {
            view.push_back({dir, view_access::read_only});
        }
    }
    return view;
}

void give_to(const fs::path& tree, const sandbox_identity& identity) {
    if (identity.uid < 0) {
        return;
    }
    const auto own = [&](const fs::path& p) {
        ::lchown(p.c_str(), static_cast<uid_t>(identity.uid), static_cast<gid_t>(identity.gid));
    };
    own(tree);
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(tree, ec);
         !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        own(it->path());
    }
}

common::result<sandbox_outcome> run_build_step(const build_context& ctx,
                                               const fs::path& run_dir,
                                               std::vector<std::string> command,
                                               const fs::path& cwd,
                                               std::map<std::string, std::string> env,
                                               std::vector<view_path> view) {
    sandbox_spec spec;
    spec.run_dir = run_dir;
    spec.command = std::move(command);
    spec.cwd = cwd;
    spec.scratch = {env.at("HOME"), env.at("TMPDIR")};
    spec.env = std::move(env);
    spec.deadline_s = ctx.timeout_s;
    spec.limits = ctx.limits;
    spec.limits.output_cap_bytes = 16 << 20; // cargo's JSON: one line per compiled unit
    spec.view = std::move(view);
    spec.identity = ctx.identity;
    spec.cgroup_name = next_cgroup_name();
    spec.require_isolation = ctx.require_isolation;
    for (const auto& dir : spec.scratch) { // on the host too, for a sandbox without a view
        std::error_code ec;
        fs::create_directories(dir, ec);
        give_to(dir, ctx.identity);
    }
    return run_sandboxed(spec, ctx.supervisor_exe);
}

double seconds_since(std::chrono::steady_clock::time_point started) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

} // namespace grader::build
