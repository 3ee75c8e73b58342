#include "syntax_tree.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

extern "C" {
const TSLanguage* tree_sitter_rust();
const TSLanguage* tree_sitter_cpp();
const TSLanguage* tree_sitter_javascript();
const TSLanguage* tree_sitter_python();
}

namespace tg::analysis::detail {

const TSLanguage* grammar(language lang) {
    switch (lang) {
    case language::rust:
        return tree_sitter_rust();
    case language::cpp:
        return tree_sitter_cpp();
    case language::javascript:
        return tree_sitter_javascript();
    case language::python:
        return tree_sitter_python();
    }
    throw std::logic_error("grammar: unknown language");
}

namespace {

struct parser_deleter {
    void operator()(TSParser* parser) const { ts_parser_delete(parser); }
};

} // namespace

std::optional<syntax_tree> syntax_tree::parse(language lang,
                                              std::string_view text,
                                              std::uint64_t timeout_micros,
                                              std::string& error) {
    std::unique_ptr<TSParser, parser_deleter> parser(ts_parser_new());
    if (!ts_parser_set_language(parser.get(), grammar(lang))) {
        // The grammars are pinned to an ABI this library loads; reaching here is a build bug.
        throw std::logic_error("tree-sitter refused the compiled-in grammar (ABI mismatch)");
    }
    ts_parser_set_timeout_micros(parser.get(), timeout_micros);
    if (text.size() > UINT32_MAX) {
        error = "file too large to parse";
        return std::nullopt;
    }
    syntax_tree tree;
    tree.lang_ = lang;
    tree.text_ = std::string(text);
    tree.tree_.reset(ts_parser_parse_string(
        parser.get(), nullptr, tree.text_.data(), static_cast<std::uint32_t>(tree.text_.size())));
    if (!tree.tree_) {
        error = "the parser gave up (time limit)";
        return std::nullopt;
    }
    tree.index_nodes();
    return tree;
}

void syntax_tree::index_nodes() {
    TSTreeCursor cursor = ts_tree_cursor_new(ts_tree_root_node(tree_.get()));
    std::vector<node_id> path; // table indices of the cursor's ancestors
    for (;;) {
        const TSNode current = ts_tree_cursor_current_node(&cursor);
        const auto id = static_cast<node_id>(nodes_.size());
        nodes_.push_back(current);
        parents_.push_back(path.empty() ? no_node : path.back());
        by_address_.emplace(current.id, id);
        if (ts_tree_cursor_goto_first_child(&cursor)) {
            path.push_back(id);
            continue;
        }
        while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
            if (!ts_tree_cursor_goto_parent(&cursor)) {
                ts_tree_cursor_delete(&cursor);
                line_starts_.push_back(0);
                for (std::size_t i = 0; i < text_.size(); ++i) {
                    if (text_[i] == '\n') {
                        line_starts_.push_back(i + 1);
                    }
                }
                return;
            }
            path.pop_back();
        }
    }
}

node_id syntax_tree::id_of(TSNode node) const {
    const auto it = by_address_.find(node.id);
    return it == by_address_.end() ? no_node : it->second;
}

std::string_view syntax_tree::text(node_id id) const {
    const std::uint32_t start = ts_node_start_byte(nodes_[id]);
    const std::uint32_t end = ts_node_end_byte(nodes_[id]);
    if (start >= text_.size() || end <= start) {
        return {};
    }
    return std::string_view(text_).substr(start, std::min<std::size_t>(end, text_.size()) - start);
}

node_id syntax_tree::field(node_id id, const char* field) const {
    const TSNode child = ts_node_child_by_field_name(
        nodes_[id], field, static_cast<std::uint32_t>(std::char_traits<char>::length(field)));
    return ts_node_is_null(child) ? no_node : id_of(child);
}

std::vector<node_id> syntax_tree::children(node_id id) const {
    std::vector<node_id> out;
    const std::uint32_t count = ts_node_child_count(nodes_[id]);
    out.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        out.push_back(id_of(ts_node_child(nodes_[id], i)));
    }
    return out;
}

bool syntax_tree::has_token_child(node_id id, std::string_view token) const {
    const std::uint32_t count = ts_node_child_count(nodes_[id]);
    for (std::uint32_t i = 0; i < count; ++i) {
        const TSNode child = ts_node_child(nodes_[id], i);
        if (!ts_node_is_named(child) && token == ts_node_type(child)) {
            return true;
        }
    }
    return false;
}

int syntax_tree::line(node_id id) const {
    return static_cast<int>(ts_node_start_point(nodes_[id]).row) + 1;
}
int syntax_tree::column(node_id id) const {
    return static_cast<int>(ts_node_start_point(nodes_[id]).column) + 1;
}
int syntax_tree::end_line(node_id id) const {
    return static_cast<int>(ts_node_end_point(nodes_[id]).row) + 1;
}
int syntax_tree::end_column(node_id id) const {
    return static_cast<int>(ts_node_end_point(nodes_[id]).column) + 1;
}

std::string_view syntax_tree::line_text(int line) const {
    if (line < 1 || static_cast<std::size_t>(line) > line_starts_.size()) {
        return {};
    }
    const std::size_t start = line_starts_[static_cast<std::size_t>(line) - 1];
    std::size_t end = text_.find('\n', start);
    if (end == std::string::npos) {
        end = text_.size();
    }
    if (end > start && text_[end - 1] == '\r') {
        --end;
    }
    return std::string_view(text_).substr(start, end - start);
}

node_id syntax_tree::first_error() const {
    if (!ts_node_has_error(nodes_[0])) {
        return no_node;
    }
    for (node_id id = 0; id < nodes_.size(); ++id) {
        if (type(id) == "ERROR" || ts_node_is_missing(nodes_[id])) {
            return id;
        }
    }
    return no_node;
}

} // namespace tg::analysis::detail
