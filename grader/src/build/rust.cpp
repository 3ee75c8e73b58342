// Rust: cargo offline against Debian's crates, dependencies warm from the cache, the binary
// proven to be built now.

#include "builders.hpp"
#include "grader/diagnostics/cargo.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>

namespace grader {

namespace fs = std::filesystem;

namespace build {

namespace {

// The line of Cargo.toml that names a dependency (0 when not found).
int manifest_line_of(const fs::path& manifest, const std::string& crate) {
    std::ifstream in(manifest);
    std::string line;
    const std::regex names("^\\s*(" + crate + ")\\s*=");
    for (int n = 1; std::getline(in, line); ++n) {
        if (std::regex_search(line, names)) {
            return n;
        }
    }
    return 0;
}

// "failed to select a version for the requirement `reqwest = "^0.12"`" -> a finding that says
// what the offline registry has instead.
void explain_resolution_failure(const std::string& stderr_text,
                                const fs::path& source,
                                build_outcome& out) {
    static const std::regex requirement(
        R"(failed to select a version for the requirement `([A-Za-z0-9_-]+) = \"([^\"]*)\"`)");
    static const std::regex no_package(R"(no matching package named `([A-Za-z0-9_-]+)` found)");
    std::smatch m;
    if (std::regex_search(stderr_text, m, requirement)) {
        const auto versions = available_crate_versions(m[1].str(), debian_registry);
        std::string have;
        for (const auto& v : versions) {
            have += (have.empty() ? "" : ", ") + v;
        }
        out.findings.push_back({"dependency-unavailable",
                                severity::error,
                                "Cargo.toml",
                                manifest_line_of(source / "Cargo.toml", m[1].str()),
                                0,
                                "dependency " + m[1].str() + " = \"" + m[2].str() +
                                    "\" is not available offline; available: " +
                                    (have.empty() ? "none" : m[1].str() + " " + have),
                                ""});
    } else if (std::regex_search(stderr_text, m, no_package)) {
        out.findings.push_back(
            {"dependency-unavailable",
             severity::error,
             "Cargo.toml",
             0,
             0,
             "crate " + m[1].str() + " is not available offline (not packaged in the registry)",
             ""});
    }
}

// The toolchain line: "rustc 1.95.0 (...); cargo 1.95.0 (...)".
std::string rust_toolchain(const fs::path& cargo) {
    return first_line_of(cargo.parent_path() / "rustc", {"--version"}) + "; " +
           first_line_of(cargo, {"--version"});
}

// The working copy and a target directory seeded from the warm cache.
void prepare_rust(const submission& sub,
                  const build_context& ctx,
                  const fs::path& warm,
                  build_outcome& out) {
    const fs::path source = ctx.work_dir / "src";
    copy_tree(sub.dir, source, {"target", ".git"});
    // A lock file from crates.io pins versions the offline registry does not have; the build
    // resolves against what is available instead (reported in the log).
    if (fs::remove(source / "Cargo.lock")) {
        out.log += "note: Cargo.lock ignored: dependencies resolve against the offline registry\n";
    }
    if (!warm.empty()) {
        copy_preserving_times(warm, ctx.work_dir / "target");
    }
    fs::create_directories(ctx.work_dir / "target");
    give_to(source, ctx.identity);
    give_to(ctx.work_dir / "target", ctx.identity);
    out.source_dir = source;
}

// A failed cargo run: its located errors, or its first line of stderr.
void rust_failure(const sandbox_outcome& r, build_outcome& out) {
    explain_resolution_failure(r.run.stderr_text, out.source_dir, out);
    out.log += r.run.stderr_text;
    const auto errors = std::count_if(out.findings.begin(),
                                      out.findings.end(),
                                      [](const finding& f) { return f.level == severity::error; });
    const auto& err = r.run.stderr_text;
    out.summary = errors > 0 ? "build failed: " + out.findings.front().message
                             : "build failed: " + err.substr(0, err.find('\n'));
    if (errors == 0) {
        out.findings.push_back({"build-error", severity::error, "", 0, 0, out.summary, err, {}});
    }
}

// What cargo said: the binary, proof that it was compiled now, or why not.
void interpret_cargo(const sandbox_outcome& r, const build_context& ctx, build_outcome& out) {
    auto messages = parse_cargo_messages(r.run.stdout_text, fs::canonical(out.source_dir));
    out.findings = std::move(messages.findings);
    out.log += messages.rendered;
    if (r.run.timed_out) {
        out.timed_out = true;
        out.summary = "build did not finish within " + std::to_string(ctx.timeout_s) + " s";
        out.findings.push_back({"build-timeout", severity::error, "", 0, 0, out.summary, "", {}});
        return;
    }
    if (r.run.exit_code != 0 || messages.executable.empty()) {
        rust_failure(r, out);
        return;
    }
    if (messages.fresh) {
        out.summary = "cargo reported the binary as fresh: refusing an artifact not built now";
        out.findings.push_back({"stale-artifact", severity::error, "", 0, 0, out.summary, "", {}});
        return;
    }
    out.ok = true;
    out.run_command = {messages.executable};
    out.run_view = {{ctx.work_dir / "target", view_access::read_only}};
    out.run_cwd = out.source_dir;
    out.summary = "built " + fs::path(messages.executable).filename().string() + " in " +
                  std::to_string(static_cast<int>(out.seconds + 0.5)) +
                  " s (dependency cache: " + out.cache + ")";
}

// clippy over the built package (the warm cache holds the dependencies' check artifacts too):
// only the lints clippy_lints() names count.
void run_clippy(const build_context& ctx,
                const fs::path& cargo,
                std::map<std::string, std::string> env,
                std::vector<view_path> view,
                build_outcome& out) {
    auto ran = run_build_step(
        ctx, ctx.steps_dir / "clippy", clippy_command(cargo, {}), out.source_dir, env, view);
    if (!ran || !ran.value().error.empty() || ran.value().run.timed_out) {
        out.lint_note = "clippy did not run: " + (!ran                        ? ran.err().message
                                                  : ran.value().error.empty() ? "timed out"
                                                                              : ran.value().error);
        return;
    }
    auto messages =
        parse_cargo_messages(ran.value().run.stdout_text, fs::canonical(out.source_dir));
    for (auto& f : messages.findings) {
        const auto lint = std::find_if(clippy_lints().begin(), clippy_lints().end(), [&](auto& l) {
            return f.id == "clippy::" + l.name;
        });
        if (lint == clippy_lints().end()) {
            continue;
        }
        f.level = lint->severity == "warning" ? severity::warning : severity::info;
        f.sources = {"clippy"};
        if (std::none_of(out.lint_rules.begin(), out.lint_rules.end(), [&](auto& r) {
                return r.id == f.id;
            })) {
            out.lint_rules.push_back(
                {f.id,
                 lint->category,
                 lint->severity,
                 f.message,
                 "clippy's " + lint->name +
                     " lint: https://rust-lang.github.io/rust-clippy/master/#" + lint->name});
        }
        out.lint_findings.push_back(std::move(f));
    }
    if (ran.value().run.exit_code != 0) {
        out.lint_note =
            "clippy exited with " + std::to_string(ran.value().run.exit_code.value_or(-1));
    }
}

} // namespace

build_outcome build_rust(const submission& sub, const build_context& ctx) {
    build_outcome out;
    out.language = "rust";
    const fs::path cargo = find_tool("cargo");
    if (cargo.empty()) {
        out.summary = "cargo not found (PATH or ~/.cargo/bin)";
        out.findings.push_back(
            {"toolchain-missing", severity::error, "", 0, 0, out.summary, "", {}});
        return out;
    }
    out.toolchain = rust_toolchain(cargo);
    const auto started = std::chrono::steady_clock::now();
    const fs::path warm = ensure_warm_cache(ctx, cargo, out.toolchain, out.cache);
    prepare_rust(sub, ctx, warm, out);
    auto env = build_env(ctx, cargo.parent_path());
    add_cargo_profile(env, ctx.work_dir / "target");
    auto view = toolchain_view(cargo);
    view.push_back({out.source_dir, view_access::read_write});
    view.push_back({ctx.work_dir / "target", view_access::read_write});
    auto ran = run_build_step(
        ctx, ctx.steps_dir / "build", cargo_command(cargo, {}), out.source_dir, env, view);
    out.seconds = seconds_since(started);
    if (!ran) {
        out.summary = ran.err().message;
        return out;
    }
    out.isolation = ran.value().isolation;
    interpret_cargo(ran.value(), ctx, out);
    if (out.ok) {
        run_clippy(ctx, cargo, env, view, out);
    }
    return out;
}

} // namespace build

std::vector<std::string> available_crate_versions(const std::string& crate,
                                                  const fs::path& registry) {
    std::vector<std::string> versions;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(registry, ec)) {
        const auto name = entry.path().filename().string();
        if (name.rfind(crate + "-", 0) == 0) {
            const auto version = name.substr(crate.size() + 1);
            if (!version.empty() && std::isdigit(static_cast<unsigned char>(version[0]))) {
                versions.push_back(version);
            }
        }
    }
    std::sort(versions.begin(), versions.end());
    return versions;
}

} // namespace grader
