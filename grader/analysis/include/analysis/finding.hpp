#pragma once
// What the source analysis reports: findings, and the files it read, skipped or failed on.

#include <string>
#include <vector>

namespace tg::analysis {

/// One place in a submission's source where a rule matched.
struct static_finding {
    std::string rule;     ///< the rule's id, e.g. "rust-thread-sleep-in-async"
    std::string category; ///< blocking | concurrency | style
    std::string severity; ///< error | warning | info
    std::string file;     ///< relative to the submission root, '/'-separated
    int line = 0;         ///< 1-based line of the offending code
    int column = 0;       ///< 1-based column (in bytes) where it starts
    int end_line = 0;     ///< 1-based line where it ends
    int end_column = 0;   ///< 1-based column (in bytes) one past its end
    /// One line in plain English that names the call and where it is, e.g. "std::thread::sleep
    /// inside async fn fetch_detail blocks a runtime worker".
    std::string message;
    std::string explanation; ///< why it matters and what to use instead (two or three sentences)
    std::string snippet;     ///< the offending source line, without its line break
    std::string function;    ///< the enclosing function as the message names it ("async fn run")
};

/// A file the analysis did not read, and why ("larger than 1 MiB", "binary", "symlink").
struct skipped_file {
    std::string file;   ///< relative to the submission root
    std::string reason; ///< lower case, e.g. "binary file (contains NUL bytes)"
};

/// Everything one analysis found. Findings are sorted by file, line, column, then rule.
struct analysis_report {
    std::vector<static_finding> findings;    ///< what the rules found
    std::vector<std::string> files_analysed; ///< relative paths, in path order
    std::vector<skipped_file> skipped;       ///< files not read, with why
    /// Located, lower-case problems that did not stop the analysis: an unreadable file, a file
    /// the parser gave up on, a syntax error (the findings of that file may be incomplete).
    std::vector<std::string> errors;
};

} // namespace tg::analysis
