#pragma once
// The C++ runtime's trace (RT_TRACE_FILE, runtime/README.md "Instrumentation"): task counts
// and long polls, written by the candidate's own process.

#include "grader/model/result.hpp"

#include <cstddef>
#include <filesystem>

namespace grader {

/// Where, in a run's evidence directory, the C++ runtime writes its trace (RT_TRACE_FILE).
inline constexpr const char* runtime_trace_file = "rt-trace.jsonl";

/// Reads a runtime trace file (JSON lines), reading at most `cap_bytes` and keeping the
/// `keep` longest polls. Spawn sites under `source_dir` (the build's working copy) are made
/// relative to it, like every other finding. A missing file is `present == false`.
runtime_trace_evidence read_runtime_trace(const std::filesystem::path& file,
                                          const std::filesystem::path& source_dir,
                                          std::size_t cap_bytes = std::size_t{4} << 20,
                                          std::size_t keep = 50);

} // namespace grader
