#pragma once
// Crashes of interpreted submissions: an uncaught Python exception (its traceback) or an
// uncaught Node.js exception or unhandled rejection (its stack), located at the candidate's
// innermost frame. Only when the run failed (exit status not 0): a program that prints a
// handled exception's trace and carries on has not crashed.

#include "grader/model/finding.hpp"
#include "grader/model/result.hpp"

#include <filesystem>
#include <vector>

namespace grader {

std::vector<finding> analyse_script_crash(const run_outcome& run,
                                          const std::filesystem::path& source_dir);

} // namespace grader
