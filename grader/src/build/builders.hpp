#pragma once
// Inside the build module: one builder per kind of submission and what they share.

#include "grader/build/build.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace grader::build {

// --- tools.cpp: finding and asking the toolchains ------------------------------------------

/// The first directory on PATH (or ~/.cargo/bin, where rustup puts it) that has `tool`.
std::filesystem::path find_tool(const std::string& tool);
/// Runs a quick, trusted tool outside the sandbox (a version query); its first line.
std::string first_line_of(const std::filesystem::path& exe, const std::vector<std::string>& args);
/// Single-quotes a word for /bin/sh.
std::string shell_quote(const std::string& word);

// --- steps.cpp: working copies and sandboxed build commands --------------------------------

/// Copies a submission into its working copy, leaving out the names in `skip`.
void copy_tree(const std::filesystem::path& from,
               const std::filesystem::path& to,
               const std::vector<std::string>& skip);
/// Copies a cargo target directory keeping modification times.
void copy_preserving_times(const std::filesystem::path& from, const std::filesystem::path& to);
/// The environment of a build command: `tool_dir` first on PATH, HOME and TMPDIR the build's
/// own scratch directories, rustup's home named (read-only) and cargo's home in HOME.
std::map<std::string, std::string> build_env(const build_context& ctx,
                                             const std::filesystem::path& tool_dir);
/// The toolchain a build must see read-only: rustup's home and the directory of `tool`
/// (~/.cargo/bin), when they are outside the system directories.
std::vector<view_path> toolchain_view(const std::filesystem::path& tool);
/// Gives a directory tree to the build's uid (no-op without one).
void give_to(const std::filesystem::path& tree, const sandbox_identity& identity);
/// One build command in the sandbox, with the build's deadline and limits; it sees `view`
/// and its own HOME and TMPDIR.
common::result<sandbox_outcome> run_build_step(const build_context& ctx,
                                               const std::filesystem::path& run_dir,
                                               std::vector<std::string> command,
                                               const std::filesystem::path& cwd,
                                               std::map<std::string, std::string> env,
                                               std::vector<view_path> view);
/// Seconds since `started`.
double seconds_since(std::chrono::steady_clock::time_point started);

// --- cargo.cpp / warm_cache.cpp ------------------------------------------------------------

/// Profile settings that hold whatever the candidate's Cargo.toml says.
void add_cargo_profile(std::map<std::string, std::string>& env,
                       const std::filesystem::path& target_dir);
/// `cargo build --release --offline --message-format=json` against Debian's registry (or
/// another subcommand with the same options: clippy).
std::vector<std::string> cargo_command(const std::filesystem::path& cargo,
                                       const std::vector<std::string>& extra,
                                       const std::string& subcommand = "build");
/// A clippy lint the grader asks for, and what it is about.
struct clippy_lint {
    std::string name;     ///< "await_holding_lock"
    std::string category; ///< concurrency | style
    std::string severity; ///< warning | info
};
const std::vector<clippy_lint>& clippy_lints();
/// `cargo clippy` like cargo_command, warning on clippy_lints().
std::vector<std::string> clippy_command(const std::filesystem::path& cargo,
                                        const std::vector<std::string>& extra);
/// The warm dependency cache's target directory for this toolchain, built if missing (empty
/// when it could not be built); `note` says which ("warm", "cold (cache built now)", ...).
std::filesystem::path ensure_warm_cache(const build_context& ctx,
                                        const std::filesystem::path& cargo,
                                        const std::string& toolchain,
                                        std::string& note);

// --- one builder per kind ------------------------------------------------------------------

build_outcome build_rust(const submission& sub, const build_context& ctx);
build_outcome build_cpp(const submission& sub, const build_context& ctx);
/// Runs `command` with sh -c in a working copy (manifest builds; CMake for C++), which sees
/// the toolchain, its working copy and `view`.
build_outcome build_with_shell(const submission& sub,
                               const build_context& ctx,
                               const std::string& command,
                               const std::string& toolchain,
                               std::vector<view_path> view = {});

} // namespace grader::build
