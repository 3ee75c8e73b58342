#pragma once
// scope_finder: the lexical questions rules ask about a node, per language.
//
// - Which function-like scope is it in, and is that scope async? Scopes are functions, closures
//   and (Rust) async blocks; a walk up stops at the first one. Async means: an `async fn`, an
//   `async` block, an `async` JavaScript function or arrow, an `async def`, or a C++ function or
//   lambda whose own body holds co_await / co_return / co_yield (a coroutine). A closure passed
//   straight to an "inline" callee (Iterator::map, Array.prototype.forEach, std::for_each: the
//   rule file lists them) runs in its caller, so it is transparent instead of a boundary.
// - Is it in the body of a `for` loop over items, within the same scope?
// - Is it test code (#[cfg(test)] / #[test] in Rust; test files by name in every language)?
// - Is a lock guard bound here still live at a later await in the same block?

#include "syntax_tree.hpp"

#include <set>
#include <string>
#include <unordered_map>

namespace tg::analysis::detail {

/// The scope a node is in.
struct scope {
    node_id node = no_node; ///< the function, closure or async block; no_node at top level
    bool is_async = false;
    /// How messages name it: "async fn fetch_detail", "coroutine run", "async def main",
    /// "an async block in fn main", "a closure in async fn run", "top-level code".
    std::string description;
};

/// Answers scope questions about one tree; results about scopes are memoised.
class scope_finder {
  public:
    /// `inline_callees`: methods / functions whose closure arguments run in the caller.
    scope_finder(const syntax_tree& tree, const std::set<std::string, std::less<>>& inline_callees);

    /// The nearest enclosing scope boundary of `id` (not `id` itself), or no_node.
    node_id boundary_of(node_id id) const;
    scope scope_of(node_id id) const;
    /// Whether the boundary node is async (memoised: C++ scans the body once).
    bool is_async(node_id boundary) const;
    /// The boundary's name as a message says it.
    std::string describe(node_id boundary) const;
    /// The function-like node's own name ("fetch_detail"), or "" when it has none.
    std::string name_of(node_id boundary) const;

    /// Whether `id` is a scope boundary at all (function, closure, async block) and not an
    /// inline closure.
    bool is_boundary(node_id id) const;
    /// Whether `id` is a function or closure node, whatever its parent.
    bool is_function_like(node_id id) const;

    /// The `for` loop over items whose body holds `id` within its scope, or no_node.
    /// `for await` (JavaScript) and `async for` (Python) stream loops do not count.
    node_id enclosing_for_loop(node_id id) const;

    /// Whether `id` is inside test code: Rust items marked #[test], #[tokio::test] or
    /// #[cfg(test)]. (Test files are told by name in rule_runner.)
    bool in_test_code(node_id id) const;

    /// For a lock guard named by `guard` (an identifier bound in a statement of a block): the
    /// first await in a later statement of that block, within the same scope, before the guard
    /// is released (Rust `drop(guard)`, C++ `guard.unlock()`). no_node when there is none.
    node_id await_while_held(node_id guard) const;

    /// The first await node in `id`'s subtree that is not inside a nested scope, or no_node.
    node_id first_await_in(node_id id) const;

  private:
    bool is_inline_closure(node_id id) const;
    bool scan_for_coroutine_keywords(node_id body) const;

    const syntax_tree& tree_;
    const std::set<std::string, std::less<>>& inline_callees_;
    mutable std::unordered_map<node_id, bool> async_memo_;
};

} // namespace tg::analysis::detail
