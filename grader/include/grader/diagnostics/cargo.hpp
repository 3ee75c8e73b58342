#pragma once
// cargo's JSON message stream (`--message-format=json`): rustc's diagnostics as located
// findings, and which binary the build produced. clippy writes the same stream.

#include "grader/model/finding.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace grader {

struct cargo_messages {
    std::vector<finding> findings; ///< errors, then up to 20 warnings, at their file:line
    std::string rendered;          ///< rustc's rendered text of those diagnostics
    std::string executable;        ///< the package's binary, when one was built
    bool fresh = true;             ///< cargo reused the binary instead of compiling it now
};

/// Reads cargo's stdout. `source` is the package's directory (canonical): it identifies the
/// package's own artifact and makes diagnostic paths relative.
cargo_messages parse_cargo_messages(const std::string& stdout_text,
                                    const std::filesystem::path& source);

} // namespace grader
