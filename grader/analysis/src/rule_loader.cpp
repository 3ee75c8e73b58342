// Reads rule files (YAML) into compiled_rules, with located errors: FILE:LINE:COL: message.
// Each rule's query is compiled against its language's grammar here, its predicates and its
// message template checked, so nothing about a rule can fail later, at analysis time.

#include "rule_loader.hpp"

#include "message_template.hpp"
#include "rule_model.hpp"
#include "syntax_tree.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <span>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace tg::analysis::detail {

namespace {

/// Thrown inside the loader only; load_rules turns it into rule_load_result::error.
struct located_error {
    std::string message;
};

constexpr std::array<std::string_view, 3> file_keys{"language", "inline_closure_callees", "rules"};
constexpr std::array<std::string_view, 12> rule_keys{"id",
                                                     "category",
                                                     "severity",
                                                     "inside",
                                                     "in_loop",
                                                     "skip_tests",
                                                     "aggregate",
                                                     "report",
                                                     "held_across_await",
                                                     "query",
                                                     "message",
                                                     "explanation"};

class rule_file_reader {
  public:
    rule_file_reader(std::string_view yaml, std::string file)
        : yaml_(yaml), file_(std::move(file)) {}

    void read_into(compiled_rules& out, std::set<std::string>& ids);

  private:
    [[noreturn]] void fail(const YAML::Mark& mark, const std::string& what) const {
        throw located_error{file_ + ":" + std::to_string(mark.line + 1) + ":" +
                            std::to_string(mark.column + 1) + ": " + what};
    }
    std::string scalar(const YAML::Node& map, const char* key, bool required) const;
    void check_keys(const YAML::Node& map, std::span<const std::string_view> allowed) const;
    compiled_rule read_rule(const YAML::Node& entry, language lang);
    void compile_query(compiled_rule& rule, const YAML::Node& query_node, language lang) const;
    YAML::Mark
    mark_in_scalar(const YAML::Node& node, const std::string& value, std::size_t offset) const;
    void read_context(compiled_rule& rule, const YAML::Node& entry) const;
    std::optional<std::uint32_t>
    capture_named(const compiled_rule& rule, const YAML::Node& entry, const char* key) const;

    std::string_view yaml_;
    std::string file_;
};

std::string rule_file_reader::scalar(const YAML::Node& map, const char* key, bool required) const {
    const YAML::Node node = map[key];
    if (!node) {
        if (required) {
            fail(map.Mark(), std::string("missing '") + key + "'");
        }
        return "";
    }
    if (!node.IsScalar()) {
        fail(node.Mark(), std::string("'") + key + "' must be a string");
    }
    return node.Scalar();
}

void rule_file_reader::check_keys(const YAML::Node& map,
                                  std::span<const std::string_view> allowed) const {
    if (!map.IsMap()) {
        fail(map.Mark(), "expected a mapping");
    }
    for (const auto& entry : map) {
        const std::string key = entry.first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            fail(entry.first.Mark(), "unknown key '" + key + "'");
        }
    }
}

YAML::Mark rule_file_reader::mark_in_scalar(const YAML::Node& node,
                                            const std::string& value,
                                            std::size_t offset) const {
    // Map a byte offset in a scalar's value back to the file. Exact for literal blocks
    // (`query: |`) and single-line scalars, which is how queries are written.
    YAML::Mark mark = node.Mark();
    std::vector<std::string_view> lines;
    for (std::size_t start = 0, end; start <= yaml_.size(); start = end + 1) {
        end = std::min(yaml_.find('\n', start), yaml_.size());
        lines.push_back(yaml_.substr(start, end - start));
    }
    const auto row = static_cast<std::size_t>(mark.line);
    const char indicator =
        row < lines.size() && static_cast<std::size_t>(mark.column) < lines[row].size()
            ? lines[row][static_cast<std::size_t>(mark.column)]
            : ' ';
    const std::size_t line_start = value.rfind('\n', offset == 0 ? 0 : offset - 1);
    const std::size_t in_line =
        line_start == std::string::npos || offset == 0 ? offset : offset - line_start - 1;
    const auto newlines = static_cast<int>(
        std::count(value.begin(), value.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    if (indicator == '|') {
        std::size_t first = row + 1;
        while (first < lines.size() &&
               lines[first].find_first_not_of(' ') == std::string_view::npos) {
            ++first;
        }
        const std::size_t indent = first < lines.size() ? lines[first].find_first_not_of(' ') : 0;
        mark.line += 1 + newlines;
        mark.column = static_cast<int>(indent + in_line);
        return mark;
    }
    const int quote = indicator == '"' || indicator == '\'' ? 1 : 0;
    mark.line += newlines;
    mark.column =
        newlines == 0 ? mark.column + quote + static_cast<int>(in_line) : static_cast<int>(in_line);
    return mark;
}

void rule_file_reader::compile_query(compiled_rule& rule,
                                     const YAML::Node& query_node,
                                     language lang) const {
    const std::string text = query_node.Scalar();
    std::uint32_t offset = 0;
    TSQueryError error = TSQueryErrorNone;
    rule.query.reset(
        ts_query_new(
            grammar(lang), text.data(), static_cast<std::uint32_t>(text.size()), &offset, &error),
        query_deleter{});
    if (!rule.query) {
        static constexpr std::array<const char*, 7> what{"",
                                                         "syntax error",
                                                         "unknown node type",
                                                         "unknown field",
                                                         "unknown capture",
                                                         "impossible pattern",
                                                         "language mismatch"};
        const auto index = static_cast<std::size_t>(error);
        fail(mark_in_scalar(query_node, text, offset),
             std::string("query: ") + (index < what.size() ? what[index] : "error") +
                 " (in rule '" + rule.description.id + "')");
    }
    const std::uint32_t patterns = ts_query_pattern_count(rule.query.get());
    for (std::uint32_t i = 0; i < patterns; ++i) {
        const std::uint32_t start = ts_query_start_byte_for_pattern(rule.query.get(), i);
        if (text.compare(start, 2, "(#") == 0) {
            // tree-sitter takes a predicate outside any pattern's parentheses as a pattern of
            // its own that matches nothing: it would silently never apply.
            fail(mark_in_scalar(query_node, text, start),
                 "query: a predicate must sit inside its pattern's parentheses: ((pattern) (#eq? "
                 "...)) "
                 "(in rule '" +
                     rule.description.id + "')");
        }
        std::string why;
        auto predicates = read_predicates(rule.query.get(), i, why);
        if (!predicates) {
            fail(mark_in_scalar(
                     query_node, text, ts_query_start_byte_for_pattern(rule.query.get(), i)),
                 "query: " + why + " (in rule '" + rule.description.id + "')");
        }
        rule.predicates.push_back(std::move(*predicates));
    }
}

std::optional<std::uint32_t> rule_file_reader::capture_named(const compiled_rule& rule,
                                                             const YAML::Node& entry,
                                                             const char* key) const {
    const std::string name = scalar(entry, key, false);
    if (name.empty()) {
        return std::nullopt;
    }
    const auto id = capture_id(*rule.query, name);
    if (!id) {
        fail(entry[key].Mark(), "'" + std::string(key) + "': the query has no capture @" + name);
    }
    return id;
}

void rule_file_reader::read_context(compiled_rule& rule, const YAML::Node& entry) const {
    const std::string inside = scalar(entry, "inside", false);
    if (inside == "async") {
        rule.inside = required_context::async;
    } else if (inside == "sync") {
        rule.inside = required_context::sync;
    } else if (!inside.empty() && inside != "any") {
        fail(entry["inside"].Mark(), "'inside' must be async, sync or any");
    }
    const std::string loop = scalar(entry, "in_loop", false);
    if (!loop.empty() && loop != "for") {
        fail(entry["in_loop"].Mark(), "'in_loop' must be for");
    }
    rule.in_for_loop = loop == "for";
    const std::string tests = scalar(entry, "skip_tests", false);
    if (!tests.empty() && tests != "true" && tests != "false") {
        fail(entry["skip_tests"].Mark(), "'skip_tests' must be true or false");
    }
    rule.skip_tests = tests == "true";
    const std::string aggregate = scalar(entry, "aggregate", false);
    if (!aggregate.empty() && aggregate != "file") {
        fail(entry["aggregate"].Mark(), "'aggregate' must be file");
    }
    rule.per_file = aggregate == "file";
    rule.report_capture = capture_named(rule, entry, "report");
    rule.guard_capture = capture_named(rule, entry, "held_across_await");
}

compiled_rule rule_file_reader::read_rule(const YAML::Node& entry, language lang) {
    check_keys(entry, rule_keys);
    compiled_rule rule;
    rule_description& d = rule.description;
    d.id = scalar(entry, "id", true);
    d.lang = lang;
    d.category = scalar(entry, "category", true);
    d.severity = scalar(entry, "severity", true);
    d.message = scalar(entry, "message", true);
    d.explanation = scalar(entry, "explanation", true);
    d.file = file_;
    d.line = entry.Mark().line + 1;
    if (d.category != "blocking" && d.category != "concurrency" && d.category != "style") {
        fail(entry["category"].Mark(), "'category' must be blocking, concurrency or style");
    }
    if (d.severity != "error" && d.severity != "warning" && d.severity != "info") {
        fail(entry["severity"].Mark(), "'severity' must be error, warning or info");
    }
    scalar(entry, "query", true);
    compile_query(rule, entry["query"], lang);
    read_context(rule, entry);
    std::string why;
    auto message = parse_message_template(d.message, *rule.query, why);
    if (!message) {
        fail(entry["message"].Mark(), "message: " + why);
    }
    rule.message = std::move(*message);
    return rule;
}

void rule_file_reader::read_into(compiled_rules& out, std::set<std::string>& ids) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml_));
    } catch (const YAML::ParserException& e) {
        fail(e.mark, e.msg);
    }
    check_keys(root, file_keys);
    const std::string name = scalar(root, "language", true);
    const auto lang = language_from_name(name);
    if (!lang) {
        fail(root["language"].Mark(),
             "unknown language '" + name + "' (rust, cpp, javascript or python)");
    }
    language_rules& target = out.by_language[index_of(*lang)];
    if (const YAML::Node callees = root["inline_closure_callees"]) {
        if (!callees.IsSequence()) {
            fail(callees.Mark(), "'inline_closure_callees' must be a list of names");
        }
        for (const auto& callee : callees) {
            target.inline_callees.insert(callee.Scalar());
        }
    }
    const YAML::Node rules = root["rules"];
    if (!rules || !rules.IsSequence()) {
        fail(rules ? rules.Mark() : root.Mark(), "'rules' must be a list of rules");
    }
    for (const auto& entry : rules) {
        compiled_rule rule = read_rule(entry, *lang);
        if (!ids.insert(rule.description.id).second) {
            fail(entry["id"].Mark(), "duplicate rule id '" + rule.description.id + "'");
        }
        out.descriptions.push_back(rule.description);
        target.rules.push_back(std::move(rule));
    }
}

} // namespace

std::optional<std::string> read_whole_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

rule_load_result load_rule_texts(const std::vector<std::pair<std::string, std::string>>& files) {
    auto compiled = std::make_shared<compiled_rules>();
    std::set<std::string> ids;
    try {
        for (const auto& [name, text] : files) {
            rule_file_reader(text, name).read_into(*compiled, ids);
        }
    } catch (const located_error& e) {
        return {std::nullopt, e.message};
    }
    return {rule_set_access::make(std::move(compiled)), ""};
}

} // namespace tg::analysis::detail
