#include "grader/build.hpp"

#include "grader/rubric.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <sys/file.h>
#include <unistd.h>

namespace grader {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* warmup_crate = "tg_dependency_warmup";

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v != nullptr ? v : fallback;
}

// The first directory on PATH (or ~/.cargo/bin, where rustup puts it) that has `tool`.
fs::path find_tool(const std::string& tool) {
    std::stringstream dirs(env_or("PATH", "/usr/bin:/bin"));
    std::string dir;
    std::vector<fs::path> candidates;
    while (std::getline(dirs, dir, ':')) {
        candidates.emplace_back(fs::path(dir) / tool);
    }
    candidates.emplace_back(fs::path(env_or("HOME", "/root")) / ".cargo/bin" / tool);
    for (const auto& c : candidates) {
        if (::access(c.c_str(), X_OK) == 0) {
            return c;
        }
    }
    return {};
}

// Runs a quick, trusted tool outside the sandbox (a version query) and returns its first line.
std::string first_line_of(const fs::path& exe, const std::vector<std::string>& args) {
    if (exe.empty()) {
        return {};
    }
    try {
        boost::asio::io_context ctx;
        boost::asio::readable_pipe out(ctx);
        boost::process::v2::process p(
            ctx, exe.string(), args, boost::process::v2::process_stdio{nullptr, out, nullptr});
        std::string text;
        boost::system::error_code ec;
        boost::asio::read(out, boost::asio::dynamic_buffer(text), ec);
        p.wait(ec);
        return text.substr(0, text.find('\n'));
    } catch (const std::exception&) {
        return {};
    }
}

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

// Copies a cargo target directory keeping modification times: cargo compares the mtimes of
// a unit's outputs with those of its dependencies, and fresh copy times in arbitrary order
// would make it rebuild everything.
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
    std::map<std::string, std::string> env{
        {"PATH",
         (tool_dir.empty() ? "" : tool_dir.string() + ":") + "/usr/local/bin:/usr/bin:/bin"},
        {"HOME", env_or("HOME", "/root")},
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

// One build command in the sandbox: the build's deadline and limits, and room for cargo's
// JSON messages (one line per compiled unit).
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

// Profile settings that hold whatever the candidate's Cargo.toml says: symbols and line
// tables for the blocking-call analysis, no LTO (faster, and keeps functions apart).
void add_cargo_profile(std::map<std::string, std::string>& env, const fs::path& target_dir) {
    env["CARGO_TARGET_DIR"] = target_dir.string();
    env["CARGO_PROFILE_RELEASE_STRIP"] = "false";
    env["CARGO_PROFILE_RELEASE_LTO"] = "false";
    env["CARGO_PROFILE_RELEASE_DEBUG"] = "line-tables-only";
    env["CARGO_INCREMENTAL"] = "0";
}

std::vector<std::string> cargo_command(const fs::path& cargo,
                                       const std::vector<std::string>& extra) {
    std::vector<std::string> cmd{cargo.string(),
                                 "build",
                                 "--release",
                                 "--offline",
                                 "--message-format=json",
                                 "--config",
                                 "source.crates-io.replace-with=\"debian-packages\"",
                                 "--config",
                                 "source.debian-packages.directory=\"" + debian_registry.string() +
                                     "\""};
    cmd.insert(cmd.end(), extra.begin(), extra.end());
    return cmd;
}

// Removes one package's artifacts from a cargo target profile directory (release/).
void remove_package_artifacts(const fs::path& profile_dir, const std::string& package) {
    std::string underscored = package;
    std::replace(underscored.begin(), underscored.end(), '-', '_');
    std::error_code ec;
    for (const auto& sub : {fs::path{},
                            fs::path("deps"),
                            fs::path(".fingerprint"),
                            fs::path("build"),
                            fs::path("incremental")}) {
        const fs::path dir = profile_dir / sub;
        if (!fs::is_directory(dir, ec)) {
            continue;
        }
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const auto name = entry.path().filename().string();
            for (const auto& prefix : {package, underscored}) {
                if (name == prefix || name.rfind(prefix + "-", 0) == 0 ||
                    name.rfind(prefix + ".", 0) == 0) {
                    fs::remove_all(entry.path(), ec);
                }
            }
        }
    }
}

const char* warmup_manifest = R"([package]
name = "tg_dependency_warmup"
version = "0.0.0"
edition = "2021"

[dependencies]
anyhow = "1"
futures = "0.3"
reqwest = { version = "0.11", default-features = false, features = ["json"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["full"] }

[features]
tls = ["reqwest/default-tls"]
)";

// The warm dependency cache: a target directory holding only dependency artifacts, built from
// a crate that uses the offline crates the prompt names (both reqwest TLS variants).
fs::path ensure_warm_cache(const build_context& ctx,
                           const fs::path& cargo,
                           const std::string& toolchain,
                           std::string& note) {
    std::map<std::string, std::string> env = build_env(ctx, cargo.parent_path());
    const std::string key = sha256_hex(toolchain + warmup_manifest).substr(0, 16);
    const fs::path root = ctx.cache_dir / ("cargo-warm-" + key);
    const fs::path target = root / "target";
    fs::create_directories(root);
    // One builder at a time; others wait for it and then reuse the result.
    const int lock = ::open((root / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    ::flock(lock, LOCK_EX);
    if (fs::exists(root / "ready")) {
        note = "warm";
    } else {
        const fs::path crate = root / "crate";
        fs::create_directories(crate / "src");
        std::ofstream(crate / "Cargo.toml") << warmup_manifest;
        std::ofstream(crate / "src/main.rs") << "fn main() {}\n";
        add_cargo_profile(env, target);
        bool ok = true;
        for (const auto& features :
             {std::vector<std::string>{}, std::vector<std::string>{"--features", "tls"}}) {
            auto out =
                run_build_step(ctx, root / "run", cargo_command(cargo, features), crate, env);
            ok = ok && out && out.value().exit_code == 0;
        }
        remove_package_artifacts(target / "release", warmup_crate);
        if (ok) {
            std::ofstream(root / "ready") << toolchain << "\n";
            note = "cold (cache built now)";
        } else {
            note = "none (warm-up build failed)";
        }
    }
    ::flock(lock, LOCK_UN);
    ::close(lock);
    return fs::exists(root / "ready") ? target : fs::path{};
}

// "failed to select a version for the requirement `reqwest = "^0.12"`" -> a finding that says
// what the offline registry has instead.
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

std::string relative_to(const std::string& file, const fs::path& base) {
    const fs::path p(file);
    if (p.is_relative()) {
        return file;
    }
    std::error_code ec;
    const auto rel = fs::relative(p, base, ec);
    return ec ? file : rel.string();
}

void parse_cargo_messages(const std::string& stdout_text,
                          const fs::path& source,
                          build_outcome& out,
                          std::string& executable,
                          bool& fresh) {
    std::stringstream lines(stdout_text);
    std::string line;
    const std::string own_package = "path+file://" + source.string();
    while (std::getline(lines, line)) {
        json msg = json::parse(line, nullptr, false);
        if (!msg.is_object()) {
            continue;
        }
        const std::string reason = msg.value("reason", "");
        const std::string package = msg.value("package_id", "");
        if (reason == "compiler-artifact" && package.rfind(own_package, 0) == 0 &&
            msg["executable"].is_string()) {
            executable = msg["executable"].get<std::string>();
            fresh = msg.value("fresh", true);
        } else if (reason == "compiler-message") {
            const auto& m = msg["message"];
            const std::string level = m.value("level", "");
            if (level != "error" && level != "warning") {
                continue;
            }
            finding f{level == "error" ? "build-error" : "build-warning",
                      level == "error" ? severity::error : severity::warning,
                      "",
                      0,
                      0,
                      m.value("message", ""),
                      m.value("rendered", "")};
            for (const auto& span : m["spans"]) {
                if (span.value("is_primary", false)) {
                    f.file = relative_to(span.value("file_name", ""), source);
                    f.line = span.value("line_start", 0);
                    f.column = span.value("column_start", 0);
                    break;
                }
            }
            out.log += f.detail;
            if (level == "error" || out.findings.size() < 20) {
                out.findings.push_back(std::move(f));
            }
        }
    }
}

build_outcome build_rust(const submission& sub, const build_context& ctx) {
    build_outcome out;
    out.language = "rust";
    const fs::path cargo = find_tool("cargo");
    if (cargo.empty()) {
        out.summary = "cargo not found (PATH or ~/.cargo/bin)";
        out.findings.push_back({"toolchain-missing", severity::error, "", 0, 0, out.summary, ""});
        return out;
    }
    const fs::path rustc = cargo.parent_path() / "rustc";
    out.toolchain =
        first_line_of(rustc, {"--version"}) + "; " + first_line_of(cargo, {"--version"});
    const auto started = std::chrono::steady_clock::now();
    const fs::path warm = ensure_warm_cache(ctx, cargo, out.toolchain, out.cache);

    const fs::path source = ctx.work_dir / "src";
    const fs::path target = ctx.work_dir / "target";
    copy_tree(sub.dir, source, {"target", ".git"});
    // A lock file from crates.io pins versions the offline registry does not have; the build
    // resolves against what is available instead (reported in the log).
    if (fs::remove(source / "Cargo.lock")) {
        out.log += "note: Cargo.lock ignored: dependencies resolve against the offline registry\n";
    }
    if (!warm.empty()) {
        copy_preserving_times(warm, target);
    }
    auto env = build_env(ctx, cargo.parent_path());
    add_cargo_profile(env, target);
    auto ran =
        run_build_step(ctx, ctx.work_dir / "build-run", cargo_command(cargo, {}), source, env);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    out.source_dir = source;
    if (!ran) {
        out.summary = ran.err().message;
        return out;
    }
    const auto& r = ran.value();
    out.isolation = r.isolation;
    std::string executable;
    bool fresh = true;
    parse_cargo_messages(r.stdout_text, fs::canonical(source), out, executable, fresh);
    if (r.timed_out) {
        out.timed_out = true;
        out.summary = "build did not finish within " + std::to_string(ctx.timeout_s) + " s";
        out.findings.push_back({"build-timeout", severity::error, "", 0, 0, out.summary, ""});
        return out;
    }
    if (r.exit_code != 0 || executable.empty()) {
        explain_resolution_failure(r.stderr_text, source, out);
        out.log += r.stderr_text;
        const auto errors =
            std::count_if(out.findings.begin(), out.findings.end(), [](const finding& f) {
                return f.level == severity::error;
            });
        out.summary = errors > 0
                          ? "build failed: " + out.findings.front().message
                          : "build failed: " + r.stderr_text.substr(0, r.stderr_text.find('\n'));
        if (errors == 0) {
            out.findings.push_back(
                {"build-error", severity::error, "", 0, 0, out.summary, r.stderr_text});
        }
        return out;
    }
    // Proof that the artifact is this submission's: cargo compiled it in this build.
    if (fresh) {
        out.summary = "cargo reported the binary as fresh: refusing an artifact not built now";
        out.findings.push_back({"stale-artifact", severity::error, "", 0, 0, out.summary, ""});
        return out;
    }
    out.ok = true;
    out.run_command = {executable};
    out.run_cwd = source;
    out.summary = "built " + fs::path(executable).filename().string() + " in " +
                  std::to_string(static_cast<int>(out.seconds + 0.5)) +
                  " s (dependency cache: " + out.cache + ")";
    return out;
}

build_outcome build_with_shell(const submission& sub,
                               const build_context& ctx,
                               const std::string& command,
                               const std::string& toolchain) {
    build_outcome out;
    out.language = sub.language;
    out.toolchain = toolchain;
    out.cache = "none";
    const fs::path source = ctx.work_dir / "src";
    copy_tree(sub.dir, source, {".git", "target", "_build"});
    out.source_dir = source;
    out.run_cwd = source;
    if (command.empty()) {
        out.ok = true;
        out.summary = "nothing to build";
        return out;
    }
    const auto started = std::chrono::steady_clock::now();
    auto ran = run_build_step(ctx,
                              ctx.work_dir / "build-run",
                              {"/bin/sh", "-c", command},
                              source,
                              build_env(ctx, find_tool("cargo").parent_path()));
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!ran) {
        out.summary = ran.err().message;
        return out;
    }
    out.isolation = ran.value().isolation;
    out.log = ran.value().stdout_text + ran.value().stderr_text;
    if (ran.value().timed_out || ran.value().exit_code != 0) {
        out.timed_out = ran.value().timed_out;
        out.summary =
            ran.value().timed_out ? "build did not finish in time" : "build command failed";
        out.findings.push_back({"build-error",
                                severity::error,
                                "",
                                0,
                                0,
                                out.summary + ": " + command,
                                out.log.substr(0, 8000)});
        return out;
    }
    out.ok = true;
    out.summary = "built with: " + command;
    return out;
}

// Single-quotes a word for /bin/sh.
std::string shell_quote(const std::string& word) {
    std::string out = "'";
    for (const char c : word) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

// CMake configure + Ninja build of a working copy, against the runtime's CMake package when
// the grader has one (runtime/README.md): `find_package(takehome_runtime)` then just works.
// There is no dependency cache for C++: everything is compiled in this build.
build_outcome build_cpp(const submission& sub, const build_context& ctx) {
    std::string toolchain = first_line_of(find_tool("c++"), {"--version"}) + "; " +
                            first_line_of(find_tool("cmake"), {"--version"});
    std::string configure = "cmake -S . -B _build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo";
    if (!ctx.runtime_package_dir.empty()) {
        configure += " -Dtakehome_runtime_DIR=" + shell_quote(ctx.runtime_package_dir.string());
        toolchain += "; takehome_runtime from " + ctx.runtime_package_dir.string();
    } else {
        toolchain += "; no takehome_runtime package";
    }
    build_outcome out =
        build_with_shell(sub, ctx, configure + " >&2 && cmake --build _build >&2", toolchain);
    out.language = "cpp";
    // Located compiler and CMake diagnostics (errors first), before the generic finding that
    // keeps the whole log; on success, warnings are still worth a reviewer's look.
    auto located = parse_cxx_diagnostics(out.log, out.source_dir);
    located.insert(located.end(), out.findings.begin(), out.findings.end());
    out.findings = std::move(located);
    if (!out.ok) {
        const auto first_error =
            std::find_if(out.findings.begin(), out.findings.end(), [](const finding& f) {
                return f.level == severity::error && !f.file.empty() && f.line > 0;
            });
        if (first_error != out.findings.end() && !out.timed_out) {
            out.summary = "build failed: " + first_error->file + ":" +
                          std::to_string(first_error->line) + ": " + first_error->message;
        }
        if (ctx.runtime_package_dir.empty() &&
            out.log.find("takehome_runtime") != std::string::npos) {
            out.findings.push_back(
                {"runtime-package-missing",
                 severity::error,
                 "CMakeLists.txt",
                 0,
                 0,
                 "the grader has no takehome_runtime package to offer: build the grader's "
                 "runtime target, install it, or set TG_RUNTIME_DIR",
                 ""});
        }
        return out;
    }
    std::vector<fs::path> executables;
    for (const auto& entry : fs::directory_iterator(out.source_dir / "_build")) {
        if (entry.is_regular_file() && ::access(entry.path().c_str(), X_OK) == 0) {
            executables.push_back(entry.path());
        }
    }
    if (executables.size() != 1) {
        out.ok = false;
        out.summary =
            "expected exactly one executable at the top of the CMake build directory, found " +
            std::to_string(executables.size()) + "; name it in a submission.yaml 'run'";
        out.findings.push_back(
            {"build-error", severity::error, "CMakeLists.txt", 0, 0, out.summary, ""});
        return out;
    }
    out.run_command = {executables.front().string()};
    out.summary = "built " + executables.front().filename().string() + " in " +
                  std::to_string(static_cast<int>(out.seconds + 0.5)) + " s";
    return out;
}

} // namespace

std::vector<finding>
parse_cxx_diagnostics(const std::string& log, const fs::path& source_dir, std::size_t max) {
    static const std::regex compiler(
        R"(^(.+?):(\d{1,9}):(\d{1,9}): (fatal error|error|warning): (.*)$)");
    static const std::regex cmake(
        R"(^CMake (Error|Warning)[^:]* at (.+?):(\d{1,9}) \(([^)]*)\):\s*$)");
    std::error_code ec;
    const fs::path root = fs::weakly_canonical(source_dir, ec);
    // A path inside the working copy, relative to it; empty for anything else.
    const auto relative = [&](const std::string& path) -> std::string {
        fs::path p(path);
        if (p.is_relative()) {
            p = root / p;
        }
        const auto rel = fs::weakly_canonical(p, ec).lexically_relative(root);
        if (ec || rel.empty() || *rel.begin() == ".." || *rel.begin() == "_build") {
            return {};
        }
        return rel.string();
    };
    std::vector<finding> errors;
    std::vector<finding> warnings;
    std::stringstream lines(log);
    std::string line;
    std::smatch m;
    while (std::getline(lines, line)) {
        if (line.size() > 4096) {
            continue; // no diagnostic line is that long; keeps the regex bounded
        }
        finding f;
        if (std::regex_match(line, m, compiler)) {
            f.file = relative(m[1].str());
            f.line = std::stoi(m[2].str());
            f.column = std::stoi(m[3].str());
            f.level = m[4].str() == "warning" ? severity::warning : severity::error;
            f.id = f.level == severity::error ? "compile-error" : "compile-warning";
            f.message = m[5].str();
        } else if (std::regex_match(line, m, cmake)) {
            f.file = relative(m[2].str());
            f.line = std::stoi(m[3].str());
            f.level = m[1].str() == "Error" ? severity::error : severity::warning;
            f.id = f.level == severity::error ? "cmake-error" : "cmake-warning";
            // CMake indents the message on the lines that follow, up to a blank line (or any
            // line that is not indented: the next diagnostic, which is looked at in turn).
            std::string message;
            std::string next;
            std::streampos before = lines.tellg();
            while (std::getline(lines, next) && !next.empty() && next.front() == ' ') {
                const auto start = next.find_first_not_of(' ');
                if (start != std::string::npos) {
                    message += (message.empty() ? "" : " ") + next.substr(start);
                }
                before = lines.tellg();
            }
            if (!next.empty() && next.front() != ' ') {
                lines.clear();
                lines.seekg(before); // not part of the message: read it again as a line
            }
            f.message = m[4].str() + ": " +
                        (message.size() > 300 ? message.substr(0, 300) + "..." : message);
        } else {
            continue;
        }
        if (f.file.empty()) {
            continue;
        }
        auto& into = f.level == severity::error ? errors : warnings;
        const bool duplicate = std::any_of(into.begin(), into.end(), [&](const finding& g) {
            return g.file == f.file && g.line == f.line && g.message == f.message;
        });
        if (!duplicate) {
            into.push_back(std::move(f));
        }
    }
    errors.insert(errors.end(), warnings.begin(), warnings.end());
    if (errors.size() > max) {
        errors.resize(max);
    }
    return errors;
}

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

common::result<build_outcome> build_submission(const submission& sub, const build_context& ctx) {
    std::error_code ec;
    fs::create_directories(ctx.work_dir / "tmp", ec);
    if (ec) {
        return common::error{common::errc::io,
                             "cannot create " + ctx.work_dir.string() + ": " + ec.message()};
    }
    try {
        if (sub.from_manifest) {
            build_outcome out = build_with_shell(sub, ctx, sub.build_command, sub.language);
            out.run_command = {"/bin/sh", "-c", sub.run_command};
            return out;
        }
        if (sub.language == "rust") {
            return build_rust(sub, ctx);
        }
        return build_cpp(sub, ctx);
    } catch (const fs::filesystem_error& e) {
        return common::error{common::errc::io, std::string("preparing the build: ") + e.what()};
    }
}

} // namespace grader
