#pragma once
// Every reader of bytes a candidate controls: files its process could have written (the run's
// evidence directory, its working copy), its output, its JSON. Each is bounded (a cap on
// bytes, line length, nesting) and never blocks, follows a symlink out, or throws.

#include "grader/model/finding.hpp"
#include "grader/model/result.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grader {

/// A candidate-writable file read so that it cannot hurt the grader: no symlinks followed,
/// nothing but a regular file opened (a FIFO would block the grader forever), at most `cap`
/// bytes.
struct untrusted_file {
    bool exists = false;
    std::string refused; ///< why it was not read ("a symbolic link", "not a regular file"), or ""
    std::string text;    ///< up to the cap
    bool truncated = false;
};
untrusted_file read_untrusted_file(const std::filesystem::path& file, std::size_t cap);

/// Deepest nesting of arrays/objects outside strings. Untrusted JSON nested deeper than any
/// real document is refused before parsing (printing it back would recurse that deep).
std::size_t nesting_depth(std::string_view text);

/// The lines of `text`, each cut to `max_line` bytes (std::regex recurses per character: a
/// long line would exhaust the stack).
std::vector<std::string_view> bounded_lines(std::string_view text, std::size_t max_line = 512);

/// Calls `on_object` for every line of `text` that is a JSON object at most `max_depth` deep
/// and 64 KiB long; such lines are parsed, longer or deeper ones never are. Returns how many
/// non-empty lines were unreadable (not such an object, or `on_object` returned false). When
/// `truncated` (a read cap cut the text), the last line is partial and is dropped.
std::size_t for_each_json_line(std::string_view text,
                               bool truncated,
                               std::size_t max_depth,
                               const std::function<bool(const nlohmann::json&)>& on_object);

/// A path the candidate's compiler or runtime reported, relative to the working copy when it
/// lies in it (as given, or by its real path); otherwise unchanged.
std::string relative_to_source(std::string path, const std::filesystem::path& source_dir);

/// The regular files and others in a run's evidence directory (name, bytes), sorted, at most
/// `max_entries`, without following symlinks.
std::vector<evidence_file> list_evidence_files(const std::filesystem::path& dir,
                                               std::size_t max_entries = 64);

/// Lines `line - context` .. `line + context` of `file` in the candidate's working copy
/// `source_dir`. Nothing for a path that leaves the working copy (absolute, "..", a symlink),
/// a file over 1 MiB, or a line that is not there; lines are cut to 300 bytes.
std::optional<source_excerpt> read_source_excerpt(const std::filesystem::path& source_dir,
                                                  const std::string& file,
                                                  int line,
                                                  int context = 2);

} // namespace grader
