// Where the grader finds its parts: the mock, the runtime package, the cache, the rubric.

#include "cli.hpp"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace grader::cli {

namespace fs = std::filesystem;

fs::path self_exe() { return fs::read_symlink("/proc/self/exe"); }

fs::path find_mock_exe() {
    const fs::path dir = self_exe().parent_path();
    for (const auto& p :
         {dir / "mock_api", dir / "../mock_api/mock_api", fs::path(TG_MOCK_API_EXE)}) {
        if (::access(p.c_str(), X_OK) == 0) {
            return fs::canonical(p);
        }
    }
    return {};
}

// $TG_RUNTIME_DIR, else an install next to the grader (<prefix>/bin/grader ->
// <prefix>/lib/cmake/takehome_runtime), else this build tree's package, else the configured
// install prefix. Empty when none has a config file.
fs::path find_runtime_package() {
    std::vector<fs::path> candidates;
    if (const char* dir = std::getenv("TG_RUNTIME_DIR")) {
        std::error_code ec;
        if (!fs::exists(fs::path(dir) / "takehome_runtime-config.cmake", ec)) {
            std::cerr << "grader: TG_RUNTIME_DIR=" << dir
                      << " has no takehome_runtime-config.cmake; ignoring it\n";
        }
        candidates.emplace_back(dir);
    }
    const fs::path prefix = self_exe().parent_path().parent_path();
    for (const char* libdir : {"lib", "lib64", "lib/x86_64-linux-gnu"}) {
        candidates.push_back(prefix / libdir / "cmake/takehome_runtime");
    }
    candidates.emplace_back(TG_RUNTIME_PACKAGE_DIR); // "" in sanitizer builds (grader/CMakeLists)
    candidates.emplace_back(TG_RUNTIME_INSTALLED_DIR);
    for (const auto& dir : candidates) {
        std::error_code ec;
        if (!dir.empty() && fs::exists(dir / "takehome_runtime-config.cmake", ec)) {
            return fs::canonical(dir, ec);
        }
    }
    return {};
}

fs::path find_probe_library() {
    std::vector<fs::path> candidates;
    if (const char* path = std::getenv("TG_PROBE_LIBRARY")) {
        candidates.emplace_back(path);
    }
    const fs::path prefix = self_exe().parent_path().parent_path();
    candidates.push_back(prefix / "lib/takehome-grader/libtg_probe.so");
    candidates.emplace_back(TG_PROBE_LIBRARY);
    for (const auto& p : candidates) {
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) {
            return fs::canonical(p, ec);
        }
    }
    return {};
}

fs::path default_cache_dir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME")) {
        return fs::path(xdg) / "takehome-grader";
    }
    const char* home = std::getenv("HOME");
    return fs::path(home ? home : "/tmp") / ".cache/takehome-grader";
}

// A grader run from its build tree uses the source tree's rubric; an installed one the rubric
// installed beside it (PREFIX/share/takehome-grader/rubrics), never the source tree.
std::string default_rubric() {
    const fs::path dir = self_exe().parent_path();
    std::error_code ec;
    if (fs::equivalent(dir, TG_BUILD_GRADER_DIR, ec)) {
        return std::string(TG_SOURCE_DIR) + "/rubrics/jobs-fanout.yaml";
    }
    return (dir.parent_path() / "share/takehome-grader/rubrics/jobs-fanout.yaml").string();
}

} // namespace grader::cli
