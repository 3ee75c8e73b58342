#pragma once
// export-public: a candidate-safe copy of a rubric. Hidden scenarios never reach a candidate's
// disk: the copy holds the prompt, the visible scenarios and the checks restricted to them.

#include "common/result.hpp"

#include <filesystem>

namespace grader {

/// Writes OUT/<rubric file name>, OUT/<prompt>, OUT/scenarios/<name>.yaml for visible
/// scenarios; returns how many hidden scenarios were left out. The copy is validated.
common::result<int> export_public(const std::filesystem::path& rubric_file,
                                  const std::filesystem::path& out_dir);

} // namespace grader
