#pragma once
// Whole-file reads and writes of the tools' own files (sandbox specs and outcomes, journals,
// results). Files a candidate's process could have written are read with the grader's
// untrusted readers instead (grader/evidence/untrusted.hpp).

#include "common/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace common {

/// The file's bytes; empty when it cannot be read.
std::string read_text(const std::filesystem::path& file);

/// A regular file's bytes, up to `max_bytes`: anything else (a directory, /dev/zero, a FIFO
/// that would block) and anything larger is a located error, never a read without end.
result<std::string> read_regular_file(const std::filesystem::path& file, std::size_t max_bytes);

/// Writes (truncates) `file`; false on any failure.
bool write_text(const std::filesystem::path& file, std::string_view text);

/// Writes through a temporary file in the same directory renamed over `file`, so that a
/// reader, or a writer interrupted half-way (even by SIGKILL), never leaves half a file.
status write_text_atomic(const std::filesystem::path& file, std::string_view text);

} // namespace common
