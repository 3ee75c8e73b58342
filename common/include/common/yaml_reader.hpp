#pragma once
// Reading YAML files whose every mistake is reported at its place:
//   rubrics/x.yaml:12:5: unknown key 'thresold' (did you mean 'threshold'?)
// Parsing code throws yaml_error deep inside; the public loaders of each module catch it once
// and return it as a common::error, so the throw never crosses a module boundary.

#include "common/result.hpp"

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace common {

/// A located message, already formatted as "FILE:LINE:COL: message".
class yaml_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class yaml_map;

/// Typed, range-checked access to the scalars of one YAML document, with located errors.
class yaml_reader {
  public:
    explicit yaml_reader(std::string file_name) : file_(std::move(file_name)) {}

    /// The largest YAML file read (rubrics and scenarios are a few KiB).
    static constexpr std::size_t max_file_bytes = 16u << 20;

    /// Parses the file (a regular file of at most max_file_bytes); on failure a located error
    /// ("FILE:LINE:COL: ..." or "FILE: ...").
    static result<YAML::Node> load_file(const std::filesystem::path& path);
    /// Parses text that came from `name` (a file name used only in messages).
    static result<YAML::Node> load_string(const std::string& text, const std::string& name);

    const std::string& file() const { return file_; }
    /// "FILE:LINE:COL" of a node (1-based), or "FILE" when the node has no position.
    std::string where(const YAML::Node& node) const;
    /// Throws yaml_error with the message located at `node`.
    [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const;

    std::string as_string(const YAML::Node& node, const std::string& what) const;
    std::int64_t as_int(const YAML::Node& node,
                        const std::string& what,
                        std::int64_t min,
                        std::int64_t max) const;
    double as_number(const YAML::Node& node, const std::string& what, double min, double max) const;
    bool as_bool(const YAML::Node& node, const std::string& what) const;
    /// `node` must be a mapping whose keys are all in `allowed`.
    yaml_map
    as_map(const YAML::Node& node, const std::string& what, std::vector<std::string> allowed) const;
    /// `node` must be a sequence.
    void expect_sequence(const YAML::Node& node, const std::string& what) const;

  private:
    std::string file_;
};

/// A mapping whose keys were checked against a list of allowed ones at construction.
class yaml_map {
  public:
    yaml_map(const yaml_reader& reader, YAML::Node node)
        : reader_(&reader), node_(std::move(node)) {}

    const YAML::Node& node() const { return node_; }
    bool has(const std::string& key) const;
    /// The value at `key`; a located "missing required key" error when absent.
    YAML::Node required(const std::string& key) const;
    /// The value at `key`, or an undefined node when absent.
    YAML::Node optional(const std::string& key) const;

    std::string get_string(const std::string& key, const std::string& fallback) const;
    std::string get_string(const std::string& key) const;
    std::int64_t get_int(const std::string& key,
                         std::int64_t min,
                         std::int64_t max,
                         std::int64_t fallback) const;
    std::int64_t get_int(const std::string& key, std::int64_t min, std::int64_t max) const;
    double get_number(const std::string& key, double min, double max, double fallback) const;
    bool get_bool(const std::string& key, bool fallback) const;
    yaml_map get_map(const std::string& key, std::vector<std::string> allowed) const;

  private:
    const yaml_reader* reader_;
    YAML::Node node_;
};

} // namespace common
