// The warm dependency cache: a cargo target directory holding only dependency artifacts, built
// once per toolchain from a crate that uses the offline crates the prompt names. Each build
// copies it into a fresh target directory of its own (rust.cpp), so no other submission's
// artifact can ever be found there.

#include "builders.hpp"
#include "grader/sha256.hpp"

#include <fcntl.h>
#include <fstream>
#include <sys/file.h>
#include <unistd.h>
#include <vector>

namespace grader::build {

namespace fs = std::filesystem;

namespace {

constexpr const char* warmup_crate = "tg_dependency_warmup";

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
futures = { version = "0.3", optional = true }
reqwest = { version = "0.11", default-features = false, features = ["json"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["full"] }

[features]
tls = ["reqwest/default-tls"]
)";

// The variants a submission's dependency graph resolves to. Cargo unifies features: `futures`
// turns on features of futures-util, so a submission without it needs futures-util, h2, hyper
// and reqwest built differently (measured: 2 minutes of rebuilding on a warm cache that had
// only the with-futures variant). With and without it, and reqwest's TLS variant.
const std::vector<std::vector<std::string>> warmup_variants = {
    {"--features", "futures"}, {}, {"--features", "futures,tls"}};

// Builds the warm-up crate into ROOT/target (every variant above), then removes the crate's
// own artifacts: only dependencies stay.
bool build_warm_cache(const build_context& ctx, const fs::path& cargo, const fs::path& root) {
    const fs::path crate = root / "crate";
    const fs::path target = root / "target";
    fs::create_directories(crate / "src");
    std::ofstream(crate / "Cargo.toml") << warmup_manifest;
    std::ofstream(crate / "src/main.rs") << "fn main() {}\n";
    // Our own crate and Debian's: trusted code, built as root in the sandbox (no uid of the
    // grading's), with the cache writable; submissions' builds only ever get a copy.
    build_context trusted = ctx;
    trusted.identity = {};
    trusted.require_isolation = false;
    auto env = build_env(trusted, cargo.parent_path());
    add_cargo_profile(env, target);
    auto view = toolchain_view(cargo);
    view.push_back({root, view_access::read_write});
    bool ok = true;
    for (const auto& features : warmup_variants) {
        auto out =
            run_build_step(trusted, root / "run", cargo_command(cargo, features), crate, env, view);
        ok = ok && out && out.value().run.exit_code == 0;
        // The dependencies' check artifacts, for the clippy run after each build.
        auto lint = run_build_step(
            trusted, root / "run", clippy_command(cargo, features), crate, env, view);
        ok = ok && lint && lint.value().run.exit_code == 0;
    }
    remove_package_artifacts(target / "release", warmup_crate);
    return ok;
}

} // namespace

fs::path ensure_warm_cache(const build_context& ctx,
                           const fs::path& cargo,
                           const std::string& toolchain,
                           std::string& note) {
    // The cache also holds the dependencies' check artifacts clippy needs.
    const std::string key =
        sha256_hex(toolchain + warmup_manifest + "with clippy's check artifacts").substr(0, 16);
    const fs::path root = ctx.cache_dir / ("cargo-warm-" + key);
    fs::create_directories(root);
    // One builder at a time; others wait for it and then reuse the result.
    const int lock = ::open((root / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    ::flock(lock, LOCK_EX);
    if (fs::exists(root / "ready")) {
        note = "warm";
    } else if (build_warm_cache(ctx, cargo, root)) {
        std::ofstream(root / "ready") << toolchain << "\n";
        note = "cold (cache built now)";
    } else {
        note = "none (warm-up build failed)";
    }
    ::flock(lock, LOCK_UN);
    ::close(lock);
    return fs::exists(root / "ready") ? root / "target" : fs::path{};
}

} // namespace grader::build
