#include "message_template.hpp"

namespace tg::analysis::detail {

std::optional<std::uint32_t> capture_id(const TSQuery& query, std::string_view name) {
    const std::uint32_t count = ts_query_capture_count(&query);
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t length = 0;
        const char* capture = ts_query_capture_name_for_id(&query, i, &length);
        if (std::string_view(capture, length) == name) {
            return i;
        }
    }
    return std::nullopt;
}

namespace {

template <typename Map>
auto value_or(const Map& map, std::uint32_t key, typename Map::mapped_type fallback) {
    const auto it = map.find(key);
    return it == map.end() ? fallback : it->second;
}

std::optional<template_part>
placeholder(std::string_view name, const TSQuery& query, std::string& error) {
    using kind = template_part::kind;
    if (name == "function" || name == "loop.line" || name == "count" || name == "lines") {
        const kind k = name == "function"    ? kind::function
                       : name == "loop.line" ? kind::loop_line
                       : name == "count"     ? kind::count
                                             : kind::lines;
        return template_part{k, "", 0};
    }
    kind k = kind::capture;
    if (name.ends_with(".line")) {
        k = kind::capture_line;
        name.remove_suffix(5);
    } else if (name.ends_with(".path")) {
        k = kind::capture_path;
        name.remove_suffix(5);
    }
    const auto id = capture_id(query, name);
    if (!id) {
        error = "{" + std::string(name) + "} names no capture of the query";
        return std::nullopt;
    }
    return template_part{k, "", *id};
}

} // namespace

std::optional<std::vector<template_part>>
parse_message_template(std::string_view text, const TSQuery& query, std::string& error) {
    std::vector<template_part> parts;
    std::string literal;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            literal += c;
            ++i;
            continue;
        }
        if (c == '}') {
            error = "unmatched '}'";
            return std::nullopt;
        }
        if (c != '{') {
            literal += c;
            continue;
        }
        const std::size_t close = text.find('}', i);
        if (close == std::string_view::npos) {
            error = "unclosed '{'";
            return std::nullopt;
        }
        auto part = placeholder(text.substr(i + 1, close - i - 1), query, error);
        if (!part) {
            return std::nullopt;
        }
        parts.push_back({template_part::kind::text, std::move(literal), 0});
        literal.clear();
        parts.push_back(std::move(*part));
        i = close;
    }
    parts.push_back({template_part::kind::text, std::move(literal), 0});
    return parts;
}

std::string render_message(const std::vector<template_part>& parts, const message_values& values) {
    using kind = template_part::kind;
    std::string out;
    for (const template_part& part : parts) {
        switch (part.what) {
        case kind::text:
            out += part.text;
            break;
        case kind::capture:
            out += value_or(values.capture_text, part.capture, "");
            break;
        case kind::capture_path:
            out += value_or(values.capture_path, part.capture, "");
            break;
        case kind::capture_line:
            out += std::to_string(value_or(values.capture_line, part.capture, 0));
            break;
        case kind::function:
            out += values.function;
            break;
        case kind::loop_line:
            out += std::to_string(values.loop_line);
            break;
        case kind::count:
            out += std::to_string(values.count);
            break;
        case kind::lines:
            out += values.lines;
            break;
        }
    }
    return out;
}

} // namespace tg::analysis::detail
