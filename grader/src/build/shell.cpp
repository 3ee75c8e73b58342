// A build command run with sh -c in a working copy: submission.yaml's `build`, and the CMake
// steps of a C++ build.

#include "builders.hpp"

namespace grader::build {

namespace fs = std::filesystem;

build_outcome build_with_shell(const submission& sub,
                               const build_context& ctx,
                               const std::string& command,
                               const std::string& toolchain,
                               std::vector<view_path> view) {
    build_outcome out;
    out.language = sub.language;
    out.toolchain = toolchain;
    out.cache = "none";
    const fs::path source = ctx.work_dir / "src";
    copy_tree(sub.dir, source, {".git", "target", "_build"});
    give_to(source, ctx.identity);
    out.source_dir = source;
    out.run_cwd = source;
    if (command.empty()) {
        out.ok = true;
        out.summary = "nothing to build";
        return out;
    }
    const auto started = std::chrono::steady_clock::now();
    const fs::path cargo = find_tool("cargo");
    for (auto& v : toolchain_view(cargo)) {
        view.push_back(std::move(v));
    }
    view.push_back({source, view_access::read_write});
    auto ran = run_build_step(ctx,
                              ctx.steps_dir / "build",
                              {"/bin/sh", "-c", command},
                              source,
                              build_env(ctx, cargo.parent_path()),
                              std::move(view));
    out.seconds = seconds_since(started);
    if (!ran) {
        out.summary = ran.err().message;
        return out;
    }
    const auto& r = ran.value();
    out.isolation = r.isolation;
    out.log = r.run.stdout_text + r.run.stderr_text;
    if (r.run.timed_out || r.run.exit_code != 0) {
        out.timed_out = r.run.timed_out;
        out.summary = r.run.timed_out ? "build did not finish in time" : "build command failed";
        out.findings.push_back({"build-error",
                                severity::error,
                                "",
                                0,
                                0,
                                out.summary + ": " + command,
                                out.log.substr(0, 8000),
                                {}});
        return out;
    }
    out.ok = true;
    out.summary = "built with: " + command;
    return out;
}

} // namespace grader::build
