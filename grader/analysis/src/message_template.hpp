#pragma once
// Message templates: "{callee.path} inside {function} blocks a runtime worker".
//
//   {name}        the text of capture @name (one line, at most 60 characters)
//   {name.path}   the path @name resolved to through the imports (std::thread::sleep for a
//                 `sleep` imported from std::thread); its text when nothing resolved
//   {name.line}   the line capture @name starts on
//   {function}    the enclosing scope, as "async fn fetch_detail" or "coroutine run"
//   {loop.line}   the line of the for loop (rules with in_loop: for)
//   {count}       how many matches an `aggregate: file` finding stands for
//   {lines}       their lines, "12, 40, 41"
//   {{ and }}     literal braces

#include "rule_model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tg::analysis::detail {

/// The id of capture @name in `query`, or nullopt.
std::optional<std::uint32_t> capture_id(const TSQuery& query, std::string_view name);

/// Splits a template into parts, checking every placeholder against the query's captures;
/// nullopt with `error` set when one names nothing.
std::optional<std::vector<template_part>>
parse_message_template(std::string_view text, const TSQuery& query, std::string& error);

/// The values placeholders are filled with for one finding.
struct message_values {
    std::unordered_map<std::uint32_t, std::string> capture_text; ///< by capture id
    std::unordered_map<std::uint32_t, std::string> capture_path;
    std::unordered_map<std::uint32_t, int> capture_line;
    std::string function;
    int loop_line = 0;
    std::size_t count = 1;
    std::string lines;
};

/// The template with its placeholders filled in.
std::string render_message(const std::vector<template_part>& parts, const message_values& values);

} // namespace tg::analysis::detail
