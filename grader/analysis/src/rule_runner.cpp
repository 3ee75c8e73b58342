#include "rule_runner.hpp"

#include "message_template.hpp"
#include "scopes.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>

namespace tg::analysis::detail {

namespace {

constexpr std::size_t max_capture_text = 60;
constexpr std::size_t max_snippet = 200;

struct cursor_deleter {
    void operator()(TSQueryCursor* cursor) const { ts_query_cursor_delete(cursor); }
};

/// A capture's text as a message shows it: one line, runs of blanks as one space, short.
std::string message_text(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (!blank) {
            out += c;
        } else if (!out.empty() && out.back() != ' ') {
            out += ' ';
        }
    }
    if (out.size() > max_capture_text) {
        out = out.substr(0, max_capture_text - 3) + "...";
    }
    return out;
}

/// One match that passed every check, before aggregation.
struct hit {
    node_id located = no_node; ///< where the finding points (the call, the await)
    message_values values;
};

class rule_run {
  public:
    rule_run(const compiled_rule& rule,
             const parsed_source& source,
             const scope_finder& scopes,
             const async_functions& functions)
        : rule_(rule), source_(source), scopes_(scopes), functions_(functions) {}

    std::vector<static_finding> run();

  private:
    std::optional<hit> check(const TSQueryMatch& match);
    node_id captured(const TSQueryMatch& match, std::optional<std::uint32_t> capture) const;
    message_values values_of(const TSQueryMatch& match,
                             const std::unordered_map<std::uint32_t, std::string>& resolved) const;
    static_finding finding_of(const hit& h) const;

    const compiled_rule& rule_;
    const parsed_source& source_;
    const scope_finder& scopes_;
    const async_functions& functions_;
    std::set<node_id> anchors_; ///< one finding per anchor (the call, the loop, the guard)
    bool test_file_ = false;
};

node_id rule_run::captured(const TSQueryMatch& match, std::optional<std::uint32_t> capture) const {
    for (std::uint16_t i = 0; i < match.capture_count; ++i) {
        if (!capture || match.captures[i].index == *capture) {
            return source_.tree.id_of(match.captures[i].node);
        }
    }
    return no_node;
}

message_values
rule_run::values_of(const TSQueryMatch& match,
                    const std::unordered_map<std::uint32_t, std::string>& resolved) const {
    message_values values;
    for (std::uint16_t i = 0; i < match.capture_count; ++i) {
        const std::uint32_t capture = match.captures[i].index;
        const node_id node = source_.tree.id_of(match.captures[i].node);
        if (values.capture_text.contains(capture)) {
            continue; // a quantified capture: the first node speaks for it
        }
        values.capture_text[capture] = message_text(source_.tree.text(node));
        values.capture_line[capture] = source_.tree.line(node);
        const auto path = resolved.find(capture);
        values.capture_path[capture] =
            path != resolved.end() ? path->second
                                   : source_.imports.resolve(source_.tree.text(node)).front();
    }
    return values;
}

std::optional<hit> rule_run::check(const TSQueryMatch& match) {
    std::unordered_map<std::uint32_t, std::string> resolved;
    const match_context context{source_.tree, source_.imports, functions_, match, resolved};
    if (!predicates_hold(rule_.predicates[match.pattern_index], context)) {
        return std::nullopt;
    }
    const node_id reported = captured(match, rule_.report_capture);
    if (reported == no_node ||
        (rule_.skip_tests && (test_file_ || scopes_.in_test_code(reported)))) {
        return std::nullopt;
    }
    const scope where = scopes_.scope_of(reported);
    if ((rule_.inside == required_context::async && !where.is_async) ||
        (rule_.inside == required_context::sync && where.is_async)) {
        return std::nullopt;
    }
    hit h{reported, values_of(match, resolved)};
    h.values.function = where.description;
    node_id anchor = reported;
    if (rule_.in_for_loop) {
        anchor = scopes_.enclosing_for_loop(reported);
        if (anchor == no_node) {
            return std::nullopt;
        }
        h.values.loop_line = source_.tree.line(anchor);
    }
    if (rule_.guard_capture) {
        anchor = captured(match, rule_.guard_capture);
        h.located = anchor == no_node ? no_node : scopes_.await_while_held(anchor);
        if (h.located == no_node) {
            return std::nullopt;
        }
    }
    if (!anchors_.insert(anchor).second) {
        return std::nullopt;
    }
    return h;
}

static_finding rule_run::finding_of(const hit& h) const {
    const syntax_tree& tree = source_.tree;
    const rule_description& d = rule_.description;
    static_finding f;
    f.rule = d.id;
    f.category = d.category;
    f.severity = d.severity;
    f.file = source_.file;
    f.line = tree.line(h.located);
    f.column = tree.column(h.located);
    f.end_line = tree.end_line(h.located);
    f.end_column = tree.end_column(h.located);
    f.message = render_message(rule_.message, h.values);
    f.explanation = d.explanation;
    std::string_view line = tree.line_text(f.line);
    line = line.substr(0, line.find_last_not_of(" \t") + 1);
    f.snippet = std::string(line.substr(0, max_snippet));
    f.function = h.values.function;
    return f;
}

std::vector<static_finding> rule_run::run() {
    test_file_ = is_test_file(source_.tree.lang(), source_.file);
    std::unique_ptr<TSQueryCursor, cursor_deleter> cursor(ts_query_cursor_new());
    ts_query_cursor_exec(cursor.get(), rule_.query.get(), source_.tree.node(0));
    std::vector<hit> hits;
    TSQueryMatch match;
    while (ts_query_cursor_next_match(cursor.get(), &match)) {
        if (auto h = check(match)) {
            hits.push_back(std::move(*h));
        }
    }
    std::vector<static_finding> findings;
    if (rule_.per_file && !hits.empty()) {
        std::set<int> lines;
        for (const hit& h : hits) {
            lines.insert(source_.tree.line(h.located));
        }
        hit first = *std::min_element(hits.begin(), hits.end(), [](const hit& a, const hit& b) {
            return a.located < b.located; // node ids follow source order
        });
        first.values.count = hits.size();
        for (const int line : lines) {
            first.values.lines += (first.values.lines.empty() ? "" : ", ") + std::to_string(line);
        }
        findings.push_back(finding_of(first));
        return findings;
    }
    for (const hit& h : hits) {
        findings.push_back(finding_of(h));
    }
    return findings;
}

} // namespace

bool is_test_file(language lang, const std::string& relative_path) {
    const std::filesystem::path path(relative_path);
    for (const auto& part : path.parent_path()) {
        const std::string p = part.string();
        if (p == "tests" || p == "test" || p == "__tests__" ||
            (lang == language::rust && p == "benches")) {
            return true;
        }
    }
    const std::string name = path.filename().string();
    const std::string stem = path.stem().string();
    switch (lang) {
    case language::rust:
        return false;
    case language::python:
        return name.starts_with("test_") || stem.ends_with("_test") || name == "conftest.py";
    case language::javascript:
        return name.find(".test.") != std::string::npos || name.find(".spec.") != std::string::npos;
    case language::cpp:
        return name.starts_with("test_") || stem.ends_with("_test") || stem.ends_with("_tests");
    }
    return false;
}

std::vector<static_finding> run_rules(const language_rules& rules,
                                      const parsed_source& source,
                                      const async_functions& functions) {
    const scope_finder scopes(source.tree, rules.inline_callees);
    std::vector<static_finding> findings;
    for (const compiled_rule& rule : rules.rules) {
        auto found = rule_run(rule, source, scopes, functions).run();
        findings.insert(findings.end(), found.begin(), found.end());
    }
    return findings;
}

} // namespace tg::analysis::detail
