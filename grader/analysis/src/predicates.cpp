#include "predicates.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace tg::analysis::detail {

namespace {

struct op_shape {
    std::string_view name;
    predicate_op op;
    bool takes_regex;
    std::size_t min_strings; ///< string arguments after the capture
};

constexpr std::array<op_shape, 10> ops{{
    {"eq?", predicate_op::eq, false, 0},
    {"not-eq?", predicate_op::neq, false, 0},
    {"match?", predicate_op::match, true, 1},
    {"not-match?", predicate_op::not_match, true, 1},
    {"any-of?", predicate_op::any_of, false, 1},
    {"not-any-of?", predicate_op::not_any_of, false, 1},
    {"resolves-to?", predicate_op::resolves_to, false, 1},
    {"resolves-match?", predicate_op::resolves_match, true, 1},
    {"not-resolves-match?", predicate_op::not_resolves_match, true, 1},
    {"is-async-fn?", predicate_op::is_async_fn, false, 0},
}};

std::string string_value(const TSQuery* query, std::uint32_t id) {
    std::uint32_t length = 0;
    const char* value = ts_query_string_value_for_id(query, id, &length);
    return std::string(value, length);
}

/// Checks the argument list against the operator's shape; "" when it fits.
std::string check_shape(const op_shape& shape, const std::vector<predicate_arg>& args) {
    const std::string name = "#" + std::string(shape.name);
    if (args.empty() || !args.front().is_capture) {
        return name + " needs a capture as its first argument";
    }
    if (shape.op == predicate_op::is_async_fn) {
        return args.size() == 1 ? "" : name + " takes one capture";
    }
    if (shape.op == predicate_op::eq || shape.op == predicate_op::neq) {
        return args.size() == 2 ? "" : name + " takes two arguments";
    }
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i].is_capture) {
            return name + " takes strings after its capture";
        }
    }
    if (args.size() - 1 < shape.min_strings || (shape.takes_regex && args.size() != 2)) {
        return name + (shape.takes_regex ? " takes a capture and one regular expression"
                                         : " needs at least one string");
    }
    return "";
}

} // namespace

std::optional<std::vector<predicate>>
read_predicates(const TSQuery* query, std::uint32_t pattern, std::string& error) {
    std::uint32_t count = 0;
    const TSQueryPredicateStep* steps = ts_query_predicates_for_pattern(query, pattern, &count);
    std::vector<predicate> out;
    for (std::uint32_t i = 0; i < count;) {
        if (steps[i].type != TSQueryPredicateStepTypeString) {
            error = "a predicate must start with its name";
            return std::nullopt;
        }
        const std::string name = string_value(query, steps[i].value_id);
        const auto shape =
            std::find_if(ops.begin(), ops.end(), [&](const op_shape& s) { return s.name == name; });
        if (shape == ops.end()) {
            error = "unknown predicate #" + name;
            return std::nullopt;
        }
        predicate p{shape->op, {}, nullptr};
        for (++i; i < count && steps[i].type != TSQueryPredicateStepTypeDone; ++i) {
            const bool capture = steps[i].type == TSQueryPredicateStepTypeCapture;
            p.args.push_back({capture,
                              capture ? steps[i].value_id : 0,
                              capture ? "" : string_value(query, steps[i].value_id)});
        }
        ++i; // the Done step
        if (error = check_shape(*shape, p.args); !error.empty()) {
            return std::nullopt;
        }
        if (shape->takes_regex) {
            try {
                p.regex = std::make_shared<const std::regex>(p.args[1].text);
            } catch (const std::regex_error& e) {
                error =
                    "#" + name + ": bad regular expression \"" + p.args[1].text + "\": " + e.what();
                return std::nullopt;
            }
        }
        out.push_back(std::move(p));
    }
    return out;
}

void async_functions::add(const syntax_tree& tree, const scope_finder& scopes) {
    for (node_id id = 0; id < tree.size(); ++id) {
        if (!scopes.is_function_like(id)) {
            continue;
        }
        const std::string name = scopes.name_of(id);
        if (!name.empty()) {
            counts& c = names_[std::string(last_segment(name))];
            ++(scopes.is_async(id) ? c.async : c.other);
        }
    }
}

bool async_functions::is_async(std::string_view name) const {
    const auto it = names_.find(last_segment(name));
    return it != names_.end() && it->second.async > 0 && it->second.other == 0;
}

namespace {

bool holds_after_imports(const predicate& p, std::string_view text, const match_context& context);

bool holds_for_text(const predicate& p, std::string_view text, const match_context& context) {
    const auto& args = p.args;
    const auto other = [&]() -> std::string {
        if (!args[1].is_capture) {
            return args[1].text;
        }
        for (std::uint16_t i = 0; i < context.match.capture_count; ++i) {
            if (context.match.captures[i].index == args[1].capture) {
                return std::string(
                    context.tree.text(context.tree.id_of(context.match.captures[i].node)));
            }
        }
        return "";
    };
    const auto in_list = [&](std::string_view value) {
        return std::any_of(
            args.begin() + 1, args.end(), [&](const predicate_arg& a) { return a.text == value; });
    };
    switch (p.op) {
    case predicate_op::eq:
        return text == other();
    case predicate_op::neq:
        return text != other();
    case predicate_op::match:
        return std::regex_search(text.begin(), text.end(), *p.regex);
    case predicate_op::not_match:
        return !std::regex_search(text.begin(), text.end(), *p.regex);
    case predicate_op::any_of:
        return in_list(text);
    case predicate_op::not_any_of:
        return !in_list(text);
    case predicate_op::is_async_fn:
        return context.functions.is_async(text);
    default:
        return holds_after_imports(p, text, context);
    }
}

/// The resolves-* family: does any path the text may stand for fit?
bool holds_after_imports(const predicate& p, std::string_view text, const match_context& context) {
    const auto& args = p.args;
    const auto in_list = [&](std::string_view value) {
        return std::any_of(
            args.begin() + 1, args.end(), [&](const predicate_arg& a) { return a.text == value; });
    };
    for (const std::string& path : context.imports.resolve(text)) {
        const bool fits =
            p.op == predicate_op::resolves_to ? in_list(path) : std::regex_search(path, *p.regex);
        if (fits) {
            if (p.op != predicate_op::not_resolves_match) {
                context.resolved[args[0].capture] = path;
            }
            return p.op != predicate_op::not_resolves_match;
        }
    }
    return p.op == predicate_op::not_resolves_match;
}

} // namespace

bool predicates_hold(const std::vector<predicate>& predicates, const match_context& context) {
    for (const predicate& p : predicates) {
        for (std::uint16_t i = 0; i < context.match.capture_count; ++i) {
            const TSQueryCapture& capture = context.match.captures[i];
            if (capture.index != p.args[0].capture) {
                continue;
            }
            const std::string_view text = context.tree.text(context.tree.id_of(capture.node));
            if (!holds_for_text(p, text, context)) {
                return false;
            }
        }
    }
    return true;
}

} // namespace tg::analysis::detail
