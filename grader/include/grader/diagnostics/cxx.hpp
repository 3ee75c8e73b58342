#pragma once
// GCC/Clang and CMake diagnostics from a C++ build's log, as located findings.

#include "grader/model/finding.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace grader {

/// Located findings from a CMake + GCC/Clang build log: compiler errors and warnings
/// ("src/main.cpp:12:5: error: ...") and CMake errors ("CMake Error at CMakeLists.txt:7
/// (find_package): ..."), with paths made relative to `source_dir` (diagnostics outside it,
/// e.g. in system headers, are dropped). Errors first, at most `max` of them.
std::vector<finding> parse_cxx_diagnostics(const std::string& log,
                                           const std::filesystem::path& source_dir,
                                           std::size_t max = 20);

} // namespace grader
