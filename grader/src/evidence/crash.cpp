#include "grader/evidence/crash.hpp"

#include "grader/evidence/untrusted.hpp"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <optional>
#include <regex>
#include <string_view>

namespace grader {

// Candidate output is untrusted and unbounded: matching works line by line on lines cut to a
// bounded length (bounded_lines), and numbers are parsed with from_chars and must fit.
namespace {

int to_int(const std::string& digits) {
    int value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc{} ? value : 0;
}

// rustc >= 1.73: "thread 'NAME' panicked at FILE:L:C:" with the message on the next line
// (1.95 adds " (TID)" after the name); older: "thread 'NAME' panicked at 'MSG', FILE:L:C".
std::optional<finding> parse_panic(std::string_view line, std::string_view next) {
    static const std::regex panic_re(
        R"(^thread '([^']{0,200})'(?: \(\d{1,20}\))? panicked at (?:'(.*)', )?([^:]{1,300}):(\d{1,20}):(\d{1,20}))");
    std::match_results<std::string_view::const_iterator> m;
    if (line.find("panicked at ") == std::string_view::npos ||
        !std::regex_search(line.begin(), line.end(), m, panic_re)) {
        return std::nullopt;
    }
    const std::string message = m[2].matched ? m[2].str() : std::string(next);
    const bool unwrap = message.find("called `Result::unwrap()`") != std::string::npos ||
                        message.find("called `Option::unwrap()`") != std::string::npos;
    finding f;
    f.id = unwrap ? "unwrap-panic" : "rust-panic";
    f.file = m[3].str();
    f.line = to_int(m[4].str());
    f.column = to_int(m[5].str());
    f.message = "thread '" + m[1].str() + "' panicked" + (message.empty() ? "" : ": " + message);
    return f;
}

// "terminate called after throwing an instance of 'TYPE'" then "  what():  MESSAGE".
std::optional<finding> parse_terminate(std::string_view line, std::string_view next) {
    const std::string_view prefix = "terminate called after throwing an instance of '";
    if (line.substr(0, prefix.size()) != prefix) {
        return std::nullopt;
    }
    const auto type = line.substr(prefix.size(), line.find('\'', prefix.size()) - prefix.size());
    std::string what;
    if (const auto at = next.find("what():"); at != std::string_view::npos) {
        const auto rest = next.substr(at + 7);
        what = std::string(rest.substr(std::min(rest.find_first_not_of(' '), rest.size())));
    }
    return finding{"uncaught-exception",
                   severity::error,
                   "",
                   0,
                   0,
                   "uncaught C++ exception " + std::string(type) +
                       (what.empty() ? "" : ": " + what),
                   ""};
}

std::string seconds(double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", s);
    return text;
}

std::string megabytes(std::uint64_t kb) { return std::to_string((kb + 512) / 1024) + " MB"; }

// A sandbox limit that ended the program (the deadline is the timeout check's).
std::optional<finding> limit_finding(const run_outcome& run) {
    std::string id;
    std::string message;
    switch (run.limit) {
    case limit_hit::memory:
        id = "memory-limit";
        message = "the kernel's OOM killer ended it at its memory limit (peak " +
                  megabytes(run.memory_peak_kb) + ")";
        break;
    case limit_hit::cpu:
        id = "cpu-limit";
        message = "its CPU time limit ran out (" + seconds(run.cpu_s) + " of CPU): killed";
        break;
    case limit_hit::output:
        id = "output-limit";
        message = "it wrote " + megabytes((run.stdout_dropped + run.stderr_dropped) / 1024) +
                  " past the output cap and was killed";
        break;
    case limit_hit::processes:
        if (run.timed_out) {
            return std::nullopt;
        }
        id = "process-limit";
        message = "the process limit refused " + std::to_string(run.forks_refused) + " fork(s)";
        break;
    default:
        return std::nullopt;
    }
    return finding{id, severity::error, "", 0, 0, message, "", std::nullopt};
}

} // namespace

std::vector<finding> analyse_crash(const run_outcome& run) {
    std::vector<finding> found;
    const auto lines = bounded_lines(run.stderr_text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view next = i + 1 < lines.size() ? lines[i + 1] : std::string_view{};
        if (auto f = parse_panic(lines[i], next)) {
            found.push_back(std::move(*f));
        } else if (auto t = parse_terminate(lines[i], next)) {
            found.push_back(std::move(*t));
        }
    }
    if (auto limit = limit_finding(run)) {
        found.push_back(std::move(*limit));
    } else if (run.signal && !run.timed_out) {
        found.push_back({"fatal-signal",
                         severity::error,
                         "",
                         0,
                         0,
                         "the program was killed by " + signal_name(*run.signal) +
                             (*run.signal == SIGABRT ? " (abort)" : ""),
                         ""});
    }
    return found;
}

} // namespace grader
