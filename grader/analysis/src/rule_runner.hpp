#pragma once
// Runs one language's rules over one parsed file: each rule's query, its predicates, then its
// context (inside async code, in a for loop, outside tests, a guard held across an await), and
// turns what survives into findings.

#include "analysis/finding.hpp"
#include "imports.hpp"
#include "predicates.hpp"
#include "rule_model.hpp"
#include "syntax_tree.hpp"

#include <string>
#include <vector>

namespace tg::analysis::detail {

/// A parsed file with what the rules need to know about it.
struct parsed_source {
    std::string file; ///< relative to the submission root, '/'-separated
    syntax_tree tree;
    import_table imports;
};

/// Whether a file is test code by its path (tests/ folders, test_x.py, x.test.js, x_test.cpp).
bool is_test_file(language lang, const std::string& relative_path);

/// The findings of `rules` in `source`; `functions` are the async functions declared in the
/// submission's files of that language. Unsorted.
std::vector<static_finding> run_rules(const language_rules& rules,
                                      const parsed_source& source,
                                      const async_functions& functions);

} // namespace tg::analysis::detail
