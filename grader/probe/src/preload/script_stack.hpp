#pragma once
// The script-level stack of a blocking call on an event-loop thread: a native stack there is
// the interpreter's, the same for every line of the program, so Python's and Node's own
// stacks say where the call was made. Read through each interpreter's exported C/C++ API,
// found with dlsym; when a function is missing the stack is simply left out.

#include "runtime_rules.hpp"

#include <cstddef>

namespace tg::probe {

/// Frames kept per script stack.
inline constexpr int max_script_frames = 8;

/// Writes the calling thread's script stack, innermost first, one frame per line as
/// "file\tline\tfunction", into `out` (NUL-terminated); returns its length, 0 when unavailable.
std::size_t read_script_stack(rules::script_stack kind, char* out, std::size_t size) noexcept;

} // namespace tg::probe
