#pragma once
// First step of the analysis: the log's text -> typed records, bounded and validated. Every
// line is one flat JSON object (README.md, "Log format"); anything else is counted unreadable.

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tg::probe::detail {

/// A return address as logged: module id (-1: in no module) and offset from its load bias.
struct logged_frame {
    int module = -1;
    std::uint64_t offset = 0;
};

/// A frame of a Python or JavaScript stack.
struct script_frame {
    std::string file;
    int line = 0;
    std::string function;
};

/// A "call" line.
struct logged_call {
    std::string process; ///< "pid/img": the process image that logged it
    int pid = 0;
    std::string thread, call, detail, verdict, runtime, context, site;
    double ms = 0;
    int rule_frame = -1;    ///< the native frame a frame rule matched, -1: none
    std::string decided_by; ///< frame | thread | loop | path
    std::vector<logged_frame> frames;
    std::vector<script_frame> script;
};

/// What the log says about one process image.
struct logged_process {
    int pid = 0;
    bool hello = false;
    std::string exe;
    std::map<int, std::string> modules; ///< id -> path
    bool bye = false;
    std::uint64_t bye_async = 0, bye_excused = 0, bye_dropped = 0;
};

/// The whole log.
struct probe_log {
    std::map<std::string, logged_process> processes;
    std::vector<logged_call> calls;
    /// (process, site) -> the highest count a call or repeat line gave it.
    std::map<std::pair<std::string, std::string>, std::uint64_t> site_counts;
    std::set<std::string> runtimes;
    std::size_t unreadable = 0;
    bool truncated = false;
};

/// Reads at most `max_lines` lines of at most `max_line_bytes` each. A last line without its
/// newline was cut short: it is skipped and the log marked truncated. Never throws but for
/// std::bad_alloc.
probe_log read_probe_log(std::string_view text, std::size_t max_lines, std::size_t max_line_bytes);

} // namespace tg::probe::detail
