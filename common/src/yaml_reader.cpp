#include "common/yaml_reader.hpp"

#include "common/suggest.hpp"
#include "common/text_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace common {
namespace {

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Null:
        return "null";
    case YAML::NodeType::Sequence:
        return "a list";
    case YAML::NodeType::Map:
        return "a mapping";
    case YAML::NodeType::Scalar:
        return "'" + node.Scalar() + "'";
    default:
        return "nothing";
    }
}

std::string located(const std::string& file, const YAML::Mark& mark) {
    if (mark.is_null()) {
        return file;
    }
    return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string join_quoted(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        out += (out.empty() ? "'" : ", '") + w + "'";
    }
    return out;
}

} // namespace

result<YAML::Node> yaml_reader::load_file(const std::filesystem::path& path) {
    auto text = read_regular_file(path, max_file_bytes);
    if (!text) {
        return text.err();
    }
    return load_string(text.value(), path.string());
}

result<YAML::Node> yaml_reader::load_string(const std::string& text, const std::string& name) {
    try {
        YAML::Node root = YAML::Load(text);
        if (!root.IsDefined() || root.IsNull()) {
            return error{errc::invalid_input, name + ": the document is empty"};
        }
        return root;
    } catch (const YAML::Exception& e) {
        return error{errc::invalid_input, located(name, e.mark) + ": " + e.msg};
    }
}

std::string yaml_reader::where(const YAML::Node& node) const { return located(file_, node.Mark()); }

void yaml_reader::fail(const YAML::Node& node, const std::string& message) const {
    throw yaml_error(where(node) + ": " + message);
}

std::string yaml_reader::as_string(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) {
        fail(node, "'" + what + "' must be a string, got " + describe(node));
    }
    return node.Scalar();
}

std::int64_t yaml_reader::as_int(const YAML::Node& node,
                                 const std::string& what,
                                 std::int64_t min,
                                 std::int64_t max) const {
    std::int64_t value = 0;
    if (!node.IsScalar() || !YAML::convert<std::int64_t>::decode(node, value)) {
        fail(node, "'" + what + "' must be an integer, got " + describe(node));
    }
    if (value < min || value > max) {
        fail(node,
             "'" + what + "' must be between " + std::to_string(min) + " and " +
                 std::to_string(max) + ", got " + std::to_string(value));
    }
    return value;
}

double yaml_reader::as_number(const YAML::Node& node,
                              const std::string& what,
                              double min,
                              double max) const {
    double value = 0;
    if (!node.IsScalar() || !YAML::convert<double>::decode(node, value) || !std::isfinite(value)) {
        fail(node, "'" + what + "' must be a number, got " + describe(node));
    }
    if (value < min || value > max) {
        std::ostringstream msg;
        msg << "'" << what << "' must be between " << min << " and " << max << ", got "
            << node.Scalar();
        fail(node, msg.str());
    }
    return value;
}

bool yaml_reader::as_bool(const YAML::Node& node, const std::string& what) const {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
        fail(node, "'" + what + "' must be true or false, got " + describe(node));
    }
    return value;
}

yaml_map yaml_reader::as_map(const YAML::Node& node,
                             const std::string& what,
                             std::vector<std::string> allowed) const {
    if (!node.IsMap()) {
        fail(node, "'" + what + "' must be a mapping, got " + describe(node));
    }
    for (const auto& entry : node) {
        const YAML::Node& key = entry.first;
        const std::string name = key.IsScalar() ? key.Scalar() : std::string{};
        if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) {
            continue;
        }
        const std::string suggestion = closest_match(name, allowed);
        std::string message = "unknown key '" + name + "' in '" + what + "'";
        message += suggestion.empty() ? " (expected one of " + join_quoted(allowed) + ")"
                                      : " (did you mean '" + suggestion + "'?)";
        fail(key, message);
    }
    return yaml_map(*this, node);
}

void yaml_reader::expect_sequence(const YAML::Node& node, const std::string& what) const {
    if (!node.IsSequence()) {
        fail(node, "'" + what + "' must be a list, got " + describe(node));
    }
}

bool yaml_map::has(const std::string& key) const { return optional(key).IsDefined(); }

YAML::Node yaml_map::optional(const std::string& key) const {
    for (const auto& entry : node_) {
        if (entry.first.IsScalar() && entry.first.Scalar() == key) {
            return entry.second;
        }
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node yaml_map::required(const std::string& key) const {
    YAML::Node value = optional(key);
    if (!value.IsDefined()) {
        reader_->fail(node_, "missing required key '" + key + "'");
    }
    return value;
}

std::string yaml_map::get_string(const std::string& key, const std::string& fallback) const {
    YAML::Node value = optional(key);
    return value.IsDefined() ? reader_->as_string(value, key) : fallback;
}

std::string yaml_map::get_string(const std::string& key) const {
    return reader_->as_string(required(key), key);
}

std::int64_t yaml_map::get_int(const std::string& key,
                               std::int64_t min,
                               std::int64_t max,
                               std::int64_t fallback) const {
    YAML::Node value = optional(key);
    return value.IsDefined() ? reader_->as_int(value, key, min, max) : fallback;
}

std::int64_t yaml_map::get_int(const std::string& key, std::int64_t min, std::int64_t max) const {
    return reader_->as_int(required(key), key, min, max);
}

double yaml_map::get_number(const std::string& key, double min, double max, double fallback) const {
    YAML::Node value = optional(key);
    return value.IsDefined() ? reader_->as_number(value, key, min, max) : fallback;
}

bool yaml_map::get_bool(const std::string& key, bool fallback) const {
    YAML::Node value = optional(key);
    return value.IsDefined() ? reader_->as_bool(value, key) : fallback;
}

yaml_map yaml_map::get_map(const std::string& key, std::vector<std::string> allowed) const {
    return reader_->as_map(required(key), key, std::move(allowed));
}

} // namespace common
