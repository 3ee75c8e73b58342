#pragma once
// Second step of the analysis: each logged call's frames as source positions. Native stacks
// (tokio, rt) are symbolised in the process's executable, where the candidate's code and the
// statically linked runtime live; script stacks (node, python) already are positions. Also
// which of those positions are the candidate's own.

#include "log_reader.hpp"
#include "probe/analysis.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tg::probe::detail {

/// A source position on a call's stack, innermost first.
struct call_frame {
    symbol_frame where;
    int native_index = -1; ///< the logged return address it came from; -1 for script frames
};

/// The frames of every call in `log.calls`, in order; one symboliser call per executable.
std::vector<std::vector<call_frame>> resolve_call_frames(const probe_log& log,
                                                         const symboliser& symbols,
                                                         const analysis_options& options);

/// `file` relative to the source root holding it, when it is the candidate's own (under a
/// root, or a relative path that is not "../" or an interpreter's pseudo-file); else nullopt.
std::optional<std::string> candidate_file(const std::string& file,
                                          const std::vector<std::string>& source_roots);

} // namespace tg::probe::detail
