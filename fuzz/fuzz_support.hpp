#pragma once
// What every fuzz target shares: the input as text, a way to report a broken property as a
// crash libFuzzer records, a scratch directory of the process's own, and the guards for bugs
// that are known and open in code this folder may not fix (fuzz/README.md, "Open bugs").

#include "common/result.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace fuzz {

/// The fuzzer's bytes as a string (they may hold NULs and invalid UTF-8).
inline std::string text_of(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Reports a broken property and aborts, so that libFuzzer saves the input as a crash.
[[noreturn]] void fail(std::string_view what, std::string_view detail = {});

/// An error must be an expected failure with a message located in `file` ("FILE:..." or
/// "FILE: ..."); anything else fails the run.
void expect_located(const common::error& e, std::string_view file);

/// A directory under /dev/shm (else $TMPDIR, else /tmp) made once per process and removed
/// at exit.
const std::filesystem::path& scratch_dir();

/// Writes `text` to `file` (truncating), failing the run if it cannot.
void write_file(const std::filesystem::path& file, std::string_view text);

/// True when the guard for the open bug `id` is on: inputs that reach it are skipped, so that
/// a bounded run can look for new bugs. `TG_FUZZ_STRICT=1` turns every guard off (scripts/
/// fuzz.sh replays the regression inputs that way, to show which bugs are still open).
bool guard_open_bug(std::string_view id);

} // namespace fuzz
