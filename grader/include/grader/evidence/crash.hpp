#pragma once
// Crash evidence from a run's stderr and wait status.

#include "grader/model/finding.hpp"
#include "grader/model/result.hpp"

#include <vector>

namespace grader {

/// Crashes seen in a run: panics (with file:line), unwrap/expect, uncaught C++ exceptions,
/// aborts and other fatal signals. A run killed at its deadline is not a crash.
std::vector<finding> analyse_crash(const run_outcome& run);

} // namespace grader
