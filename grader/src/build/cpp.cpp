// C++: CMake configure + Ninja build of a working copy, against the runtime's CMake package
// when the grader has one (runtime/README.md): `find_package(takehome_runtime)` then just
// works. There is no dependency cache for C++: everything is compiled in this build.

#include "builders.hpp"
#include "common/text_file.hpp"
#include "grader/diagnostics/cxx.hpp"

#include <algorithm>
#include <regex>
#include <unistd.h>

namespace grader::build {

namespace fs = std::filesystem;

namespace {

// The runtime's CMake package and what it names (its library, its headers), read-only. An
// installed package lives in the system directories the build sees anyway.
std::vector<view_path> package_view(const fs::path& package_dir) {
    std::vector<view_path> view;
    if (package_dir.empty()) {
        return view;
    }
    view.push_back({package_dir, view_access::read_only});
    // An installed package (PREFIX/lib/cmake/takehome_runtime) finds its library and headers
    // relative to itself: the install prefix.
    const fs::path lib = package_dir.parent_path().parent_path();
    if (package_dir.parent_path().filename() == "cmake" &&
        lib.filename().string().rfind("lib", 0) == 0 && lib.parent_path() != "/usr") {
        view.push_back({lib.parent_path(), view_access::read_only});
    }
    static const std::regex quoted_path(R"re("(/[^"$;]+)")re");
    std::error_code ec;
    for (const auto& file : fs::directory_iterator(package_dir, ec)) {
        const auto text = common::read_text(file.path());
        for (std::sregex_iterator m(text.begin(), text.end(), quoted_path), end; m != end; ++m) {
            const fs::path named = (*m)[1].str();
            if (fs::exists(named, ec) && named.string().rfind("/usr/", 0) != 0 &&
                std::none_of(view.begin(), view.end(), [&](const view_path& v) {
                    return v.path == named;
                })) {
                view.push_back({named, view_access::read_only});
            }
        }
    }
    return view;
}

// A failed C++ build: its summary names the first located error.
void cpp_failure(const build_context& ctx, build_outcome& out) {
    const auto first_error =
        std::find_if(out.findings.begin(), out.findings.end(), [](const finding& f) {
            return f.level == severity::error && !f.file.empty() && f.line > 0;
        });
    if (first_error != out.findings.end() && !out.timed_out) {
        out.summary = "build failed: " + first_error->file + ":" +
                      std::to_string(first_error->line) + ": " + first_error->message;
    }
    if (ctx.runtime_package_dir.empty() && out.log.find("takehome_runtime") != std::string::npos) {
        out.findings.push_back({"runtime-package-missing",
                                severity::error,
                                "CMakeLists.txt",
                                0,
                                0,
                                "the grader has no takehome_runtime package to offer: build the "
                                "grader's runtime target, install it, or set TG_RUNTIME_DIR",
                                "",
                                {}});
    }
}

// The one executable at the top of the build directory is what runs.
void pick_executable(build_outcome& out) {
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
            {"build-error", severity::error, "CMakeLists.txt", 0, 0, out.summary, "", {}});
        return;
    }
    out.run_command = {executables.front().string()};
    out.summary = "built " + executables.front().filename().string() + " in " +
                  std::to_string(static_cast<int>(out.seconds + 0.5)) + " s";
}

// The compiler a submission is built with: the rubric's, else the one the runtime package
// records (`takehome_runtime_CXX_COMPILER`: a submission links a library from its own
// compiler), else the system's c++. An absolute path; a name that is not on PATH as it is (CMake
// then says it cannot find it).
fs::path cxx_compiler(const build_context& ctx) {
    std::string named = ctx.cxx_compiler;
    if (named.empty() && !ctx.runtime_package_dir.empty()) {
        static const std::regex recorded(R"re(set\(takehome_runtime_CXX_COMPILER "([^"]+)"\))re");
        const auto config =
            common::read_text(ctx.runtime_package_dir / "takehome_runtime-config.cmake");
        std::smatch m;
        if (std::regex_search(config, m, recorded)) {
            named = m[1].str();
        }
    }
    if (named.empty()) {
        named = "c++";
    }
    if (named.front() == '/') {
        return named;
    }
    const fs::path found = find_tool(named);
    return found.empty() ? fs::path(named) : found;
}

} // namespace

build_outcome build_cpp(const submission& sub, const build_context& ctx) {
    const fs::path compiler = cxx_compiler(ctx);
    std::string toolchain = compiler.string() + " (" + first_line_of(compiler, {"--version"}) +
                            "); " + first_line_of(find_tool("cmake"), {"--version"});
    std::string configure = "cmake -S . -B _build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "
                            "-DCMAKE_CXX_COMPILER=" +
                            shell_quote(compiler.string());
    if (!ctx.runtime_package_dir.empty()) {
        configure += " -Dtakehome_runtime_DIR=" + shell_quote(ctx.runtime_package_dir.string());
        toolchain += "; takehome_runtime from " + ctx.runtime_package_dir.string();
    } else {
        toolchain += "; no takehome_runtime package";
    }
    build_outcome out = build_with_shell(sub,
                                         ctx,
                                         configure + " >&2 && cmake --build _build >&2",
                                         toolchain,
                                         package_view(ctx.runtime_package_dir));
    out.language = "cpp";
    // Located compiler and CMake diagnostics (errors first), before the generic finding that
    // keeps the whole log; on success, warnings are still worth a reviewer's look.
    auto located = parse_cxx_diagnostics(out.log, out.source_dir);
    located.insert(located.end(), out.findings.begin(), out.findings.end());
    out.findings = std::move(located);
    if (out.ok) {
        pick_executable(out);
    } else {
        cpp_failure(ctx, out);
    }
    return out;
}

} // namespace grader::build
