#include "scopes.hpp"

#include "imports.hpp"

#include <algorithm>
#include <array>
#include <regex>

namespace tg::analysis::detail {

namespace {

template <std::size_t N>
bool one_of(std::string_view type, const std::array<std::string_view, N>& types) {
    return std::find(types.begin(), types.end(), type) != types.end();
}

constexpr std::array<std::string_view, 10> function_types{
    "function_item",        // rust
    "function_definition",  // cpp, python
    "function_declaration", // javascript ...
    "generator_function_declaration",
    "method_definition",
    "function_expression",
    "function",
    "generator_function",
    "function_signature_item", // rust trait method without a body (named, never a scope body)
    "arrow_function",
};
constexpr std::array<std::string_view, 4> closure_types{
    "closure_expression", "lambda_expression", "arrow_function", "lambda"};
constexpr std::array<std::string_view, 4> await_types{
    "await_expression", "co_await_expression", "await", "co_yield_statement"};
constexpr std::array<std::string_view, 7> for_loop_types{"for_expression",
                                                         "for_range_loop",
                                                         "for_statement",
                                                         "for_in_statement",
                                                         "list_comprehension",
                                                         "set_comprehension",
                                                         "dictionary_comprehension"};
constexpr std::array<std::string_view, 4> block_types{
    "block", "compound_statement", "statement_block", "declaration_list"};
constexpr std::array<std::string_view, 3> coroutine_keywords{
    "co_await_expression", "co_return_statement", "co_yield_statement"};

bool is_call(std::string_view type) { return type == "call_expression" || type == "call"; }

std::string compact(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            out += c;
        }
    }
    return out;
}

} // namespace

scope_finder::scope_finder(const syntax_tree& tree,
                           const std::set<std::string, std::less<>>& inline_callees)
    : tree_(tree), inline_callees_(inline_callees) {}

bool scope_finder::is_function_like(node_id id) const {
    const std::string_view type = tree_.type(id);
    return one_of(type, function_types) || one_of(type, closure_types);
}

bool scope_finder::is_inline_closure(node_id id) const {
    if (!one_of(tree_.type(id), closure_types) && tree_.type(id) != "function_expression") {
        return false;
    }
    const node_id args = tree_.parent(id);
    if (args == no_node || is_async(id)) {
        return false;
    }
    const node_id call = tree_.parent(args);
    if (call == no_node || !is_call(tree_.type(call)) || tree_.field(call, "arguments") != args) {
        return false;
    }
    const node_id callee = tree_.field(call, "function");
    const std::string path = normalise_path(tree_.lang(), tree_.text(callee));
    return inline_callees_.contains(last_segment(path));
}

bool scope_finder::is_boundary(node_id id) const {
    if (tree_.type(id) == "async_block") {
        return true;
    }
    return is_function_like(id) && !is_inline_closure(id);
}

node_id scope_finder::boundary_of(node_id id) const {
    for (node_id p = tree_.parent(id); p != no_node; p = tree_.parent(p)) {
        if (is_boundary(p)) {
            return p;
        }
    }
    return no_node;
}

bool scope_finder::scan_for_coroutine_keywords(node_id body) const {
    std::vector<node_id> work{body};
    while (!work.empty()) {
        const node_id n = work.back();
        work.pop_back();
        if (one_of(tree_.type(n), coroutine_keywords)) {
            return true;
        }
        if (n != body && is_function_like(n)) {
            continue; // a nested lambda is a coroutine of its own, or not
        }
        for (const node_id child : tree_.children(n)) {
            work.push_back(child);
        }
    }
    return false;
}

bool scope_finder::is_async(node_id boundary) const {
    if (boundary == no_node) {
        return false;
    }
    if (const auto it = async_memo_.find(boundary); it != async_memo_.end()) {
        return it->second;
    }
    bool result = false;
    const std::string_view type = tree_.type(boundary);
    if (type == "async_block") {
        result = true;
    } else if (tree_.lang() == language::cpp) {
        const node_id body = tree_.field(boundary, "body");
        result = body != no_node && scan_for_coroutine_keywords(body);
    } else if (tree_.has_token_child(boundary, "async")) {
        result = true;
    } else {
        for (const node_id child : tree_.children(boundary)) {
            if (tree_.type(child) == "function_modifiers" &&
                tree_.has_token_child(child, "async")) {
                result = true;
            }
        }
    }
    async_memo_.emplace(boundary, result);
    return result;
}

scope scope_finder::scope_of(node_id id) const {
    const node_id boundary = boundary_of(id);
    return scope{boundary, is_async(boundary), describe(boundary)};
}

node_id scope_finder::enclosing_for_loop(node_id id) const {
    node_id previous = id;
    for (node_id n = tree_.parent(id); n != no_node; previous = n, n = tree_.parent(n)) {
        if (is_boundary(n)) {
            return no_node;
        }
        const bool stream_loop =
            tree_.has_token_child(n, "await") || tree_.has_token_child(n, "async");
        if (one_of(tree_.type(n), for_loop_types) && tree_.field(n, "body") == previous &&
            !stream_loop) {
            return n;
        }
    }
    return no_node;
}

bool scope_finder::in_test_code(node_id id) const {
    static const std::regex test_attribute(
        R"re(^#\[\s*(cfg\s*\([\s\S]*\btest\b[\s\S]*\)|(\w+::)*test\s*(\([\s\S]*\))?)\s*\]$)re");
    for (node_id n = id; n != no_node; n = tree_.parent(n)) {
        const std::string_view type = tree_.type(n);
        if (type != "function_item" && type != "mod_item" && type != "impl_item") {
            continue;
        }
        const node_id parent = tree_.parent(n);
        if (parent == no_node) {
            continue;
        }
        // The attributes of an item are the attribute_item siblings just before it.
        const auto siblings = tree_.children(parent);
        auto at = std::find(siblings.begin(), siblings.end(), n);
        while (at != siblings.begin()) {
            --at;
            const std::string_view kind = tree_.type(*at);
            if (kind == "attribute_item") {
                if (std::regex_search(std::string(tree_.text(*at)), test_attribute)) {
                    return true;
                }
            } else if (kind != "line_comment" && kind != "block_comment") {
                break;
            }
        }
    }
    return false;
}

node_id scope_finder::first_await_in(node_id id) const {
    std::vector<node_id> work{id};
    while (!work.empty()) {
        const node_id n = work.back();
        work.pop_back();
        if (one_of(tree_.type(n), await_types)) {
            return n;
        }
        if (is_boundary(n)) {
            continue;
        }
        const auto children = tree_.children(n);
        work.insert(work.end(), children.rbegin(), children.rend());
    }
    return no_node;
}

node_id scope_finder::await_while_held(node_id guard) const {
    node_id statement = guard;
    while (tree_.parent(statement) != no_node &&
           !one_of(tree_.type(tree_.parent(statement)), block_types)) {
        statement = tree_.parent(statement);
        if (is_boundary(statement)) {
            return no_node;
        }
    }
    const node_id block = tree_.parent(statement);
    if (block == no_node) {
        return no_node;
    }
    const std::string name(tree_.text(guard));
    const auto siblings = tree_.children(block);
    auto at = std::find(siblings.begin(), siblings.end(), statement);
    for (++at; at < siblings.end(); ++at) {
        const std::string text = compact(tree_.text(*at));
        if (text == "drop(" + name + ");" || text == "std::mem::drop(" + name + ");" ||
            text == name + ".unlock();") {
            return no_node;
        }
        if (const node_id awaited = first_await_in(*at); awaited != no_node) {
            return awaited;
        }
    }
    return no_node;
}

} // namespace tg::analysis::detail
