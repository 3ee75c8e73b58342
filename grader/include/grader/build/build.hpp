#pragma once
// Building a submission, in the sandbox (build scripts, proc-macros and CMake run candidate
// code), in a working copy (the candidate's files are never edited). One file per way of
// building in src/build/: rust.cpp (cargo, offline, warm dependency cache: warm_cache.cpp),
// cpp.cpp (CMake against the runtime's package), shell.cpp (submission.yaml commands);
// tools.cpp finds the toolchains. Diagnostics are parsed by grader/diagnostics/.
//
// Rust: cargo --release --offline against Debian's crate registry through source replacement
// given on the command line; symbols and line tables on, LTO and stripping off whatever the
// profile says. Dependencies come warm from a cache, but never the submission's own artifact:
// each build gets its own target directory seeded from a dependency-only warm build, and
// cargo's own report must say the submission's binary was compiled now (fresh: false).

#include "common/result.hpp"
#include "grader/model/finding.hpp"
#include "grader/model/result.hpp"
#include "grader/sandbox/sandbox.hpp"
#include "grader/submission.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace grader {

struct build_context {
    std::filesystem::path work_dir;            ///< what the build writes (its disk budget)
    std::filesystem::path steps_dir;           ///< the steps' spec and outcome (outside it)
    std::filesystem::path cache_dir;           ///< shared warm dependency builds
    std::filesystem::path supervisor_exe;      ///< the grader binary (for the sandbox)
    std::filesystem::path runtime_package_dir; ///< takehome_runtime's CMake package (C++)
    std::string cxx_compiler; ///< C++ compiler; empty: the one the runtime package names
    int timeout_s = 600;
    sandbox_limits limits;
    sandbox_identity identity;      ///< who the build runs as (the grading's uid)
    bool require_isolation = false; ///< refuse a weaker sandbox
};

struct build_outcome {
    bool ok = false;
    std::string language;
    std::string toolchain;                ///< e.g. "rustc 1.95.0 (59807616e 2026-04-14)"
    std::vector<std::string> run_command; ///< argv of the built program
    std::filesystem::path run_cwd;        ///< its working directory (the working copy)
    std::filesystem::path source_dir;     ///< the working copy (findings are relative to it)
    double seconds = 0;
    std::string cache; ///< "warm", "cold (cache built now)", "none"
    isolation_report isolation;
    /// What a run of the program must see besides its working copy (a Rust build's target
    /// directory, read-only).
    std::vector<view_path> run_view;
    bool timed_out = false; ///< the build was killed at its deadline
    std::string summary;    ///< one line for the report
    std::string log;        ///< compiler output, capped
    std::vector<finding> findings;
    /// clippy's findings on a built Rust submission (finding::id "clippy::<lint>"), and what
    /// became of the clippy run ("", or why it gave nothing).
    std::vector<finding> lint_findings;
    std::vector<static_rule> lint_rules; ///< the clippy lints that fired
    std::string lint_note;
};

/// Builds the submission; failures are outcomes with findings, not errors. Errors are left
/// for the grader's own trouble (cannot create the working copy, no sandbox).
common::result<build_outcome> build_submission(const submission& sub, const build_context& ctx);

/// Versions of a crate in Debian's registry directory ("0.11.13"), newest last.
std::vector<std::string> available_crate_versions(const std::string& crate,
                                                  const std::filesystem::path& registry);

/// Where Debian's librust-*-dev packages install crate sources.
inline const std::filesystem::path debian_registry = "/usr/share/cargo/registry";

} // namespace grader
