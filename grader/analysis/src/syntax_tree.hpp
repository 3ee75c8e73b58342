#pragma once
// syntax_tree: one parsed source file plus a flat table of its nodes with parent links.
//
// tree-sitter's ts_node_parent walks down from the root on every call, so walking up a deeply
// nested file would cost depth squared; the table makes every walk up O(depth) and lets the
// rest of the analysis work with plain indices. Nothing here (or in its users) recurses, so a
// pathologically nested file cannot exhaust the stack.

#include "analysis/language.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tree_sitter/api.h>
#include <unordered_map>
#include <vector>

namespace tg::analysis::detail {

/// The compiled-in grammar of a language (never null).
const TSLanguage* grammar(language lang);

/// Index of a node in a syntax_tree's table; the root is 0.
using node_id = std::uint32_t;
inline constexpr node_id no_node = UINT32_MAX;

/// A parsed file. Movable, not copyable; the text it was parsed from is owned.
class syntax_tree {
  public:
    /// Parses `text`; nullopt when the parser gave up (the time limit ran out), with `error`
    /// set to a lower-case reason.
    static std::optional<syntax_tree>
    parse(language lang, std::string_view text, std::uint64_t timeout_micros, std::string& error);

    language lang() const { return lang_; }
    std::string_view source() const { return text_; }
    std::size_t size() const { return nodes_.size(); }

    TSNode node(node_id id) const { return nodes_[id]; }
    /// The table index of a node of this tree, or no_node.
    node_id id_of(TSNode node) const;
    node_id parent(node_id id) const { return parents_[id]; }
    /// The node's grammar type ("call_expression"; anonymous tokens are their text: "async").
    std::string_view type(node_id id) const { return ts_node_type(nodes_[id]); }
    bool is_named(node_id id) const { return ts_node_is_named(nodes_[id]); }
    std::string_view text(node_id id) const;
    /// The child in field `field`, or no_node.
    node_id field(node_id id, const char* field) const;
    /// Every direct child, anonymous tokens included, in source order.
    std::vector<node_id> children(node_id id) const;
    /// Whether a direct child is the anonymous token `token` (e.g. "async", "await").
    bool has_token_child(node_id id, std::string_view token) const;

    /// 1-based line and column (bytes) where the node starts / ends.
    int line(node_id id) const;
    int column(node_id id) const;
    int end_line(node_id id) const;
    int end_column(node_id id) const;
    /// Source line `line` (1-based) without its line break; empty past the end.
    std::string_view line_text(int line) const;

    /// The first ERROR or MISSING node, or no_node when the file parsed cleanly.
    node_id first_error() const;

  private:
    struct tree_deleter {
        void operator()(TSTree* tree) const { ts_tree_delete(tree); }
    };
    syntax_tree() = default;
    void index_nodes();

    language lang_ = language::rust;
    std::string text_;
    std::unique_ptr<TSTree, tree_deleter> tree_;
    std::vector<TSNode> nodes_;
    std::vector<node_id> parents_;
    std::unordered_map<const void*, node_id> by_address_;
    std::vector<std::size_t> line_starts_;
};

} // namespace tg::analysis::detail
