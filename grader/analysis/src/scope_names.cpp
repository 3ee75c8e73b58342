// scope_finder's names for scopes: "async fn fetch_detail", "coroutine run", "an async block
// in fn main" - what messages call the place a finding is in.

#include "scopes.hpp"

#include <string>

namespace tg::analysis::detail {

namespace {

std::string compact(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            out += c;
        }
    }
    return out;
}

bool is_closure(std::string_view type) {
    return type == "closure_expression" || type == "lambda_expression" ||
           type == "arrow_function" || type == "lambda" || type == "async_block";
}

/// How a named function-like scope is introduced, in its language's words.
std::string kind_word(language lang, std::string_view type, bool closure, bool async) {
    switch (lang) {
    case language::rust:
        return closure ? (async ? "async closure " : "closure ") : (async ? "async fn " : "fn ");
    case language::cpp:
        return closure ? (async ? "coroutine lambda " : "lambda ")
                       : (async ? "coroutine " : "function ");
    case language::javascript:
        if (type == "method_definition") {
            return async ? "async method " : "method ";
        }
        return async ? "async function " : "function ";
    case language::python:
        return closure ? "lambda " : (async ? "async def " : "def ");
    }
    return "";
}

} // namespace

std::string scope_finder::name_of(node_id fn) const {
    node_id name = tree_.field(fn, "name");
    if (name == no_node && tree_.type(fn) == "function_definition") { // C++
        name = tree_.field(fn, "declarator");
        while (name != no_node && tree_.field(name, "declarator") != no_node) {
            name = tree_.field(name, "declarator");
        }
        if (name != no_node && tree_.type(name) == "reference_declarator") {
            const auto kids = tree_.children(name);
            name = kids.empty() ? no_node : kids.back();
        }
    }
    if (name == no_node && tree_.parent(fn) != no_node) {
        // an anonymous function bound to a name: const fetch = async () => ...
        const node_id holder = tree_.parent(fn);
        const std::string_view type = tree_.type(holder);
        if (type == "variable_declarator" || type == "let_declaration") {
            name = tree_.field(holder, type == "let_declaration" ? "pattern" : "name");
        } else if (type == "init_declarator") {
            name = tree_.field(holder, "declarator");
        } else if (type == "pair") {
            name = tree_.field(holder, "key");
        } else if (type == "assignment_expression") {
            name = tree_.field(holder, "left");
        }
    }
    return name == no_node ? std::string() : compact(tree_.text(name));
}

std::string scope_finder::describe(node_id boundary) const {
    // Anonymous scopes are named by where they are: "an async block in fn main". At most three
    // levels, walked iteratively (nesting can be deep).
    std::string out;
    for (int level = 0; level < 3; ++level) {
        if (boundary == no_node) {
            return out + "top-level code";
        }
        const std::string_view type = tree_.type(boundary);
        const bool async = is_async(boundary);
        const std::string name = name_of(boundary);
        const bool closure = is_closure(type);
        if (!name.empty() || !closure) {
            return out + kind_word(tree_.lang(), type, closure, async) +
                   (name.empty() ? "<anonymous>" : name);
        }
        if (type == "async_block") {
            out += "an async block in ";
        } else if (tree_.lang() == language::cpp) {
            out += async ? "a coroutine lambda in " : "a lambda in ";
        } else if (tree_.lang() == language::javascript) {
            out += async ? "an async arrow function in " : "an arrow function in ";
        } else {
            out += async ? "an async closure in "
                         : (tree_.lang() == language::python ? "a lambda in " : "a closure in ");
        }
        boundary = boundary_of(boundary);
    }
    return out + "...";
}

} // namespace tg::analysis::detail
