// The probe on Rust programs using tokio (programs/rust/, one cargo package, several binaries),
// built as the grader builds Rust: release, offline against Debian's crates, line tables, no
// LTO, not stripped. The innermost tokio frame decides: a worker's run_task or a block_on means
// "in a task's poll"; the blocking pool and block_in_place mean "allowed".

#include "files.hpp"
#include "probe_fixture.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unistd.h>

using namespace probe_test;

namespace {

const fs::path rust_dir = programs_dir() / "rust";

// Copies the package into the build tree, rewriting only changed files: cargo compares
// modification times, and Cargo.lock and target/ stay out of the source tree. Each file is
// replaced by a rename, so that a test process running cargo in parallel never reads one
// half written.
fs::path copy_package(const fs::path& to) {
    for (const auto& entry : fs::recursive_directory_iterator(rust_dir)) {
        const fs::path dest = to / fs::relative(entry.path(), rust_dir);
        if (entry.is_directory()) {
            fs::create_directories(dest);
        } else if (!fs::exists(dest) ||
                   test_support::read_file(dest) != test_support::read_file(entry.path())) {
            const fs::path part = dest.string() + ".part" + std::to_string(::getpid());
            write_file(part, test_support::read_file(entry.path()));
            fs::rename(part, dest);
        }
    }
    return to;
}

std::string cargo_program() {
    const char* home = std::getenv("HOME");
    const fs::path rustup_cargo = fs::path(home != nullptr ? home : "/root") / ".cargo/bin/cargo";
    return fs::exists(rustup_cargo) ? rustup_cargo.string() : "cargo";
}

// Builds the package once per test process; the directory of the release binaries.
const fs::path& rust_binaries() {
    static fs::path release;
    static std::once_flag built;
    std::call_once(built, [] {
        const fs::path root = PROBE_CARGO_DIR;
        const fs::path package = copy_package(root / "package");
        const fs::path cargo = cargo_program();
        const auto r = test_support::run(
            "/usr/bin/env",
            {"CARGO_TARGET_DIR=" + (root / "target").string(),
             "CARGO_PROFILE_RELEASE_STRIP=false",
             "CARGO_PROFILE_RELEASE_LTO=false",
             "CARGO_PROFILE_RELEASE_DEBUG=line-tables-only",
             "CARGO_INCREMENTAL=0",
             "CARGO_TERM_COLOR=never",
             "PATH=" + cargo.parent_path().string() + ":/usr/local/bin:/usr/bin:/bin",
             cargo.string(),
             "build",
             "--release",
             "--offline",
             "--quiet",
             "--jobs",
             "2",
             "--config",
             "source.crates-io.replace-with=\"debian-packages\"",
             "--config",
             "source.debian-packages.directory=\"/usr/share/cargo/registry\"",
             "--manifest-path",
             (package / "Cargo.toml").string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        release = root / "target/release";
    });
    return release;
}

tg::probe::probe_report run_rust(const std::string& bin, const fs::path& dir) {
    const fs::path exe = rust_binaries() / bin;
    REQUIRE(fs::exists(exe));
    write_file(dir / "data.txt", "retries = 3\n");
    const auto run = run_probed(dir, exe.string(), {(dir / "data.txt").string()});
    INFO(run.result.err);
    REQUIRE(run.result.exit_code == 0);
    // rustc names the package's files under the copy's directory.
    return analyse(run.log, PROBE_CARGO_DIR "/package");
}

} // namespace

TEST_CASE("tokio: blocking in a worker task and in the #[tokio::main] body is reported at its "
          "line",
          "[probe][tokio][cargo]") {
    temp_dir dir;
    const auto report = run_rust("worker_blocks", dir.path());
    INFO(describe(report));
    CHECK(report.runtimes_seen == std::vector<std::string>{"tokio"});
    CHECK(reported_lines(report, "src/bin/worker_blocks.rs") ==
          marked_lines(rust_dir / "src/bin/worker_blocks.rs"));
    std::set<std::string> contexts;
    for (const auto& call : report.calls) {
        contexts.insert(call.context);
        if (call.where->line == 7) {
            CHECK(call.call == "clock_nanosleep");
            CHECK(call.detail == "sleep 30 ms");
            CHECK(call.thread == "tokio-runtime-w");
        }
    }
    CHECK(contexts == std::set<std::string>{"tokio worker task poll", "tokio block_on"});
}

TEST_CASE("tokio: blocking in a current-thread runtime's block_on and in its tasks is reported",
          "[probe][tokio][cargo]") {
    temp_dir dir;
    const auto report = run_rust("current_thread_blocks", dir.path());
    INFO(describe(report));
    CHECK(reported_lines(report, "src/bin/current_thread_blocks.rs") ==
          marked_lines(rust_dir / "src/bin/current_thread_blocks.rs"));
    for (const auto& call : report.calls) {
        CHECK(call.context == "tokio current-thread block_on");
    }
}

TEST_CASE("tokio: async sleeps and files, spawn_blocking, block_in_place and blocking before the "
          "runtime starts are not reported",
          "[probe][tokio][cargo]") {
    temp_dir dir;
    const auto report = run_rust("well_behaved", dir.path());
    INFO(describe(report));
    CHECK(report.loaded);
    CHECK(report.runtimes_seen == std::vector<std::string>{"tokio"});
    CHECK(report.calls.empty());
    CHECK(report.async_calls == 0);
    // spawn_blocking's and block_in_place's sleeps (twice each) and tokio::fs's file calls.
    CHECK(report.excused >= 4);
}
