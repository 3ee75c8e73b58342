#include "imports.hpp"

#include <cctype>
#include <regex>

namespace tg::analysis::detail {

namespace {

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

/// Drops the contents of (...) and <...> (argument lists, generic and template arguments).
std::string drop_bracketed(std::string_view in, char open, char close, bool keep_pair) {
    std::string out;
    int depth = 0;
    for (const char c : in) {
        if (c == open) {
            if (depth++ == 0 && keep_pair) {
                out += open;
            }
        } else if (c == close && depth > 0) {
            if (--depth == 0 && keep_pair) {
                out += close;
            }
        } else if (depth == 0) {
            out += c;
        }
    }
    return out;
}

std::string unquote(std::string_view s) {
    if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"' || s.front() == '`')) {
        s = s.substr(1, s.size() - 2);
    }
    if (s.starts_with("node:")) {
        s.remove_prefix(5);
    }
    return std::string(s);
}

std::vector<node_id> named_children(const syntax_tree& tree, node_id id) {
    std::vector<node_id> out;
    for (const node_id child : tree.children(id)) {
        if (tree.is_named(child)) {
            out.push_back(child);
        }
    }
    return out;
}

} // namespace

std::string_view path_separator(language lang) {
    return lang == language::rust || lang == language::cpp ? "::" : ".";
}

std::string normalise_path(language lang, std::string_view written) {
    std::string s;
    for (const char c : written) {
        if (std::isspace(static_cast<unsigned char>(c)) == 0) {
            s += c;
        }
    }
    if (lang == language::javascript) {
        static const std::regex require(R"re(require\(['"`](node:)?([^'"`]+)['"`]\))re");
        s = std::regex_replace(s, require, "$2");
    }
    s = drop_bracketed(s, '(', ')', true);
    if (lang == language::rust || lang == language::cpp) {
        s = drop_bracketed(s, '<', '>', false);
        // A Rust turbofish leaves "::::" behind ("Vec::<u8>::new" -> "Vec::::new").
        for (auto at = s.find("::::"); at != std::string::npos; at = s.find("::::")) {
            s.erase(at, 2);
        }
        if (s.ends_with("::")) {
            s.resize(s.size() - 2);
        }
    }
    if (s.starts_with("::")) {
        s.erase(0, 2);
    }
    return s;
}

std::string_view last_segment(std::string_view path) {
    std::size_t start = path.size();
    while (start > 0 && is_word(path[start - 1])) {
        --start;
    }
    return path.substr(start);
}

std::vector<std::string> import_table::resolve(std::string_view written) const {
    const std::string path = normalise_path(lang_, written);
    std::size_t first_end = 0;
    while (first_end < path.size() && (is_word(path[first_end]) || path[first_end] == '$')) {
        ++first_end;
    }
    const std::string first = path.substr(0, first_end);
    if (const auto it = aliases_.find(first); it != aliases_.end()) {
        return {it->second + path.substr(first_end)};
    }
    std::vector<std::string> out{path};
    for (const auto& glob : globs_) {
        out.push_back(glob + std::string(path_separator(lang_)) + path);
    }
    return out;
}

void import_table::bind(std::string name, std::string path) {
    if (!name.empty() && !path.empty()) {
        aliases_[std::move(name)] = std::move(path);
    }
}

import_table import_table::read(const syntax_tree& tree) {
    import_table table;
    table.lang_ = tree.lang();
    for (node_id id = 0; id < tree.size(); ++id) {
        const std::string_view type = tree.type(id);
        if (type == "use_declaration") {
            table.read_rust_use(tree, id);
        } else if (type == "using_declaration" || type == "namespace_alias_definition") {
            table.read_cpp_using(tree, id);
        } else if (type == "import_statement" || type == "import_from_statement") {
            if (tree.lang() == language::python) {
                table.read_python_import(tree, id);
            } else {
                table.read_javascript_import(tree, id);
            }
        } else if (type == "variable_declarator") {
            table.read_javascript_require(tree, id);
        }
    }
    return table;
}

void import_table::read_rust_use(const syntax_tree& tree, node_id use) {
    struct item {
        node_id node;
        std::string prefix;
    };
    std::vector<item> work{{tree.field(use, "argument"), ""}};
    while (!work.empty()) {
        const item current = std::move(work.back());
        work.pop_back();
        if (current.node == no_node) {
            continue;
        }
        const auto join = [&](std::string_view part) {
            const std::string p = normalise_path(lang_, part);
            return current.prefix.empty() ? p : current.prefix + "::" + p;
        };
        const std::string_view type = tree.type(current.node);
        if (type == "use_as_clause") {
            bind(std::string(tree.text(tree.field(current.node, "alias"))),
                 join(tree.text(tree.field(current.node, "path"))));
        } else if (type == "scoped_use_list" || type == "use_list") {
            const node_id path = tree.field(current.node, "path");
            const std::string prefix = path == no_node ? current.prefix : join(tree.text(path));
            const node_id list =
                type == "use_list" ? current.node : tree.field(current.node, "list");
            for (const node_id child :
                 named_children(tree, list == no_node ? current.node : list)) {
                work.push_back({child, prefix});
            }
        } else if (type == "use_wildcard") {
            std::string path = join(tree.text(current.node));
            path.erase(path.find_last_not_of(":*") + 1);
            globs_.push_back(path);
        } else if (type == "self") {
            bind(std::string(last_segment(current.prefix)), current.prefix);
        } else {
            const std::string full = join(tree.text(current.node));
            bind(std::string(last_segment(full)), full);
        }
    }
}

void import_table::read_cpp_using(const syntax_tree& tree, node_id id) {
    const auto parts = named_children(tree, id);
    if (tree.type(id) == "namespace_alias_definition") {
        const node_id name = tree.field(id, "name");
        for (const node_id part : parts) {
            if (part != name) {
                bind(std::string(tree.text(name)), normalise_path(lang_, tree.text(part)));
            }
        }
        return;
    }
    if (parts.empty()) {
        return;
    }
    const std::string path = normalise_path(lang_, tree.text(parts.back()));
    if (tree.has_token_child(id, "namespace")) {
        globs_.push_back(path);
    } else {
        bind(std::string(last_segment(path)), path);
    }
}

void import_table::read_python_import(const syntax_tree& tree, node_id id) {
    const node_id module = tree.field(id, "module_name");
    const std::string prefix = module == no_node ? "" : std::string(tree.text(module)) + ".";
    for (const node_id child : named_children(tree, id)) {
        const std::string_view type = tree.type(child);
        if (child == module) {
            continue;
        }
        if (type == "aliased_import") {
            bind(std::string(tree.text(tree.field(child, "alias"))),
                 prefix + std::string(tree.text(tree.field(child, "name"))));
        } else if (type == "wildcard_import" && module != no_node) {
            globs_.push_back(std::string(tree.text(module)));
        } else if (type == "dotted_name") {
            const std::string name(tree.text(child));
            if (module == no_node) { // import a.b binds a, standing for itself
                const std::string first = name.substr(0, name.find('.'));
                bind(first, first);
            } else {
                bind(std::string(last_segment(name)), prefix + name);
            }
        }
    }
}

void import_table::read_javascript_import(const syntax_tree& tree, node_id id) {
    const node_id source = tree.field(id, "source");
    if (source == no_node) {
        return;
    }
    const std::string module = unquote(tree.text(source));
    std::vector<node_id> work = named_children(tree, id);
    while (!work.empty()) {
        const node_id n = work.back();
        work.pop_back();
        const std::string_view type = tree.type(n);
        if (type == "import_clause" || type == "named_imports" || type == "namespace_import") {
            for (const node_id child : named_children(tree, n)) {
                work.push_back(child);
            }
        } else if (type == "identifier") {
            bind(std::string(tree.text(n)), module);
        } else if (type == "import_specifier") {
            const node_id name = tree.field(n, "name");
            const node_id alias = tree.field(n, "alias");
            bind(std::string(tree.text(alias == no_node ? name : alias)),
                 module + "." + std::string(tree.text(name)));
        }
    }
}

void import_table::read_javascript_require(const syntax_tree& tree, node_id declarator) {
    const node_id value = tree.field(declarator, "value");
    const node_id name = tree.field(declarator, "name");
    if (value == no_node || name == no_node || tree.type(value) != "call_expression" ||
        tree.text(tree.field(value, "function")) != "require") {
        return;
    }
    const auto args = named_children(tree, tree.field(value, "arguments"));
    if (args.empty() || tree.type(args.front()) != "string") {
        return;
    }
    const std::string module = unquote(tree.text(args.front()));
    if (tree.type(name) == "identifier") {
        bind(std::string(tree.text(name)), module);
        return;
    }
    for (const node_id part : named_children(tree, name)) {
        if (tree.type(part) == "shorthand_property_identifier_pattern") {
            bind(std::string(tree.text(part)), module + "." + std::string(tree.text(part)));
        } else if (tree.type(part) == "pair_pattern") {
            bind(std::string(tree.text(tree.field(part, "value"))),
                 module + "." + std::string(tree.text(tree.field(part, "key"))));
        }
    }
}

} // namespace tg::analysis::detail
