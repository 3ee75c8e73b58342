#pragma once
// The native stack of a blocking call: walked with the unwinder (_Unwind_Backtrace, which
// follows .eh_frame through Rust, C++ and C frames alike), the probe's own frames dropped, and
// written to the log as (module, offset) pairs that the grader symbolises after the run.
// Unwinding costs about a microsecond a frame, so a walk may stop early: at the innermost frame
// a rule names, once it has the frames that identify the call site.

#include <cstdint>

namespace tg::probe {

class json_line;

/// Frames kept per call: deep enough for tokio's worker stacks (~40 frames to the task).
inline constexpr int max_frames = 64;

/// Return addresses, innermost first, without the probe's own frames.
struct native_stack {
    std::uintptr_t pcs[max_frames];
    int count = 0;
    bool whole = false; ///< walked to the outermost frame (or max_frames), not stopped early
};

/// When a walk may stop: once it has `min_frames` frames and, if `is_rule_frame` is set, has
/// met a frame it accepts (the innermost such frame decides, so nothing outer matters).
struct walk_limit {
    int min_frames = max_frames;
    bool (*is_rule_frame)(std::uintptr_t pc) = nullptr;
};

/// Walks the stack once (its first walk sets up the unwinder, which must not happen inside a
/// hook) and notes where the probe's own code is. Load time only.
void prepare_stack_capture() noexcept;

/// Captures the calling thread's stack into `out`, stopping as `limit` allows.
void capture_stack(native_stack& out, walk_limit limit = {}) noexcept;

/// Adds "frames":"M:OFFSET ..." (module id, hex offset of the return address from the module's
/// load bias; "-:ADDRESS" when no module holds it) to `line`, first writing a "module" line
/// for each module this process has not named yet.
void add_frames(json_line& line, const native_stack& stack) noexcept;

/// In a fork's child: modules are named again (the log keys them by pid and image).
void reset_modules_after_fork() noexcept;

/// The executable's path as the kernel names it (/proc/self/exe), read at load.
const char* executable_path() noexcept;

} // namespace tg::probe
