#pragma once
// A submission is a directory. Its language is detected (Cargo.toml: rust; CMakeLists.txt:
// cpp) unless a submission.yaml manifest says how to build and run it (any language).

#include "common/result.hpp"

#include <filesystem>
#include <string>

namespace grader {

struct submission {
    std::filesystem::path dir;
    std::string name;     ///< the directory's name
    std::string language; ///< rust | cpp | whatever the manifest says
    bool from_manifest = false;
    std::string build_command; ///< manifest: run with sh -c in the working copy (may be empty)
    std::string run_command;   ///< manifest: run with sh -c in the working copy
};

/// Detects how to build and run `dir`. Errors: not a directory, nothing recognisable, or a
/// located manifest error ("submission.yaml:3:1: ...").
common::result<submission> detect_submission(const std::filesystem::path& dir);

} // namespace grader
