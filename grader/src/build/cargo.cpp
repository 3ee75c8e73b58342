// How cargo is invoked: offline against Debian's registry, with a profile the grader controls.

#include "builders.hpp"

namespace grader::build {

namespace fs = std::filesystem;

// Symbols and line tables for the blocking-call analysis, no LTO (faster, and keeps
// functions apart), whatever the candidate's Cargo.toml says.
void add_cargo_profile(std::map<std::string, std::string>& env, const fs::path& target_dir) {
    env["CARGO_TARGET_DIR"] = target_dir.string();
    env["CARGO_PROFILE_RELEASE_STRIP"] = "false";
    env["CARGO_PROFILE_RELEASE_LTO"] = "false";
    env["CARGO_PROFILE_RELEASE_DEBUG"] = "line-tables-only";
    env["CARGO_INCREMENTAL"] = "0";
}

std::vector<std::string> cargo_command(const fs::path& cargo,
                                       const std::vector<std::string>& extra,
                                       const std::string& subcommand) {
    std::vector<std::string> cmd{cargo.string(),
                                 subcommand,
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

std::vector<std::string> clippy_command(const fs::path& cargo,
                                        const std::vector<std::string>& extra) {
    auto cmd = cargo_command(cargo, extra, "clippy");
    cmd.push_back("--");
    for (const auto& lint : clippy_lints()) {
        cmd.push_back("-W");
        cmd.push_back("clippy::" + lint.name);
    }
    return cmd;
}

const std::vector<clippy_lint>& clippy_lints() {
    // clippy has no lint for std::thread::sleep or std::fs in async code (rust-clippy#4377,
    // #10794); these are what it does see that the grader's checks care about.
    static const std::vector<clippy_lint> lints{
        {"await_holding_lock", "concurrency", "warning"},
        {"await_holding_refcell_ref", "concurrency", "warning"},
        {"let_underscore_future", "concurrency", "warning"},
        {"large_futures", "style", "info"},
        {"unwrap_used", "style", "info"},
        {"expect_used", "style", "info"},
    };
    return lints;
}

} // namespace grader::build
