#pragma once
// Static evidence: the submission's sources read with a real parser (grader/analysis/, rules
// as data). It sees what a run may not exercise (a blocking call on a path this scenario never
// took) and places findings in the code; it cannot see what only happens at run time.

#include "grader/model/result.hpp"

#include <filesystem>

namespace grader {

/// Analyses every source file under `dir` (the submission, or its working copy). Findings are
/// relative to `dir`, carry the lines around them, and name their rule; the rules that fired
/// are listed with their explanation.
static_analysis analyse_sources(const std::filesystem::path& dir);

} // namespace grader
