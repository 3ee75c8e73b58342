#pragma once
// Query predicates. tree-sitter parses `(#match? @x "re")` and friends into steps but never
// evaluates them; this file reads them when a rule is loaded (so a bad one is a located load
// error) and evaluates them on each match.
//
//   #eq? @a @b|"s"   #not-eq?        the capture's text equals the other capture's or the string
//   #match? @a "re"  #not-match?     std::regex (ECMAScript) search in the capture's text
//   #any-of? @a "s" "t" ...  #not-any-of?
//   #resolves-to? @a "std::thread::sleep" ...   a path the capture may stand for after the
//   #resolves-match? @a "re"  #not-resolves-match?   file's imports (imports.hpp) is one of /
//                                                   matches
//   #is-async-fn? @a                 the capture's last segment names an async function (or
//                                    C++ coroutine) declared in the submission, and no other
//                                    function of that name is not async
//
// A predicate about a capture that did not take part in the match holds (so alternations can
// share predicates).

#include "imports.hpp"
#include "scopes.hpp"
#include "syntax_tree.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <tree_sitter/api.h>
#include <unordered_map>
#include <vector>

namespace tg::analysis::detail {

enum class predicate_op {
    eq,
    neq,
    match,
    not_match,
    any_of,
    not_any_of,
    resolves_to,
    resolves_match,
    not_resolves_match,
    is_async_fn,
};

struct predicate_arg {
    bool is_capture = false;
    std::uint32_t capture = 0; ///< capture id when is_capture
    std::string text;          ///< the string otherwise
};

struct predicate {
    predicate_op op = predicate_op::eq;
    std::vector<predicate_arg> args;
    std::shared_ptr<const std::regex> regex; ///< for the match family
};

/// The predicates of pattern `pattern` of `query`; nullopt with `error` (lower case) and
/// `error_offset` (byte offset of the pattern in the query text) when one is unknown or
/// malformed.
std::optional<std::vector<predicate>>
read_predicates(const TSQuery* query, std::uint32_t pattern, std::string& error);

/// Async functions declared in a set of files of one language, by name.
class async_functions {
  public:
    /// Adds every named function of the tree.
    void add(const syntax_tree& tree, const scope_finder& scopes);
    /// Whether `name` is declared async somewhere and nowhere not async.
    bool is_async(std::string_view name) const;

  private:
    struct counts {
        int async = 0;
        int other = 0;
    };
    std::map<std::string, counts, std::less<>> names_;
};

/// What predicates are evaluated against.
struct match_context {
    const syntax_tree& tree;
    const import_table& imports;
    const async_functions& functions;
    const TSQueryMatch& match;
    /// Filled in: for each capture a resolves-* predicate held on, the path that matched.
    std::unordered_map<std::uint32_t, std::string>& resolved;
};

/// Whether every predicate holds for the match.
bool predicates_hold(const std::vector<predicate>& predicates, const match_context& context);

} // namespace tg::analysis::detail
