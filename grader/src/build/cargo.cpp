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

} // namespace grader::build
