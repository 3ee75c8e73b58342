#pragma once
// rule_set: the rules the analysis applies, loaded from YAML rule files (README.md, "Rule
// format"). The rules shipped in grader/analysis/rules/ are embedded at build time and loaded
// once (rule_set::builtin()); load_rules / load_rule_file read others, e.g. to try a new rule.

#include "analysis/language.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tg::analysis {

namespace detail {
struct compiled_rules;
struct rule_set_access;
} // namespace detail

/// What a rule is, without its compiled query.
struct rule_description {
    std::string id;
    language lang = language::rust;
    std::string category;    ///< blocking | concurrency | style
    std::string severity;    ///< error | warning | info
    std::string message;     ///< the message template, as written
    std::string explanation; ///< as written
    std::string file;        ///< the rule file it came from
    int line = 0;            ///< where its entry starts in that file (1-based)
};

/// Compiled rules for every language. Cheap to copy (shared, immutable); safe to use from
/// several threads at once.
class rule_set {
  public:
    /// The rules embedded from grader/analysis/rules/*.yaml. Throws std::logic_error if they do
    /// not load (a build that shipped broken rules; the tests load them).
    static const rule_set& builtin();

    /// Every rule, in file order.
    const std::vector<rule_description>& rules() const;

  private:
    friend struct detail::rule_set_access;
    explicit rule_set(std::shared_ptr<const detail::compiled_rules> compiled);
    std::shared_ptr<const detail::compiled_rules> compiled_;
};

/// A rule set, or why it could not be loaded.
struct [[nodiscard]] rule_load_result {
    std::optional<rule_set> rules; ///< set on success
    /// On failure: one lower-case located message, "FILE:LINE:COL: what is wrong".
    std::string error;
    explicit operator bool() const { return rules.has_value(); }
};

/// One rule file's text; `file_name` is used in error messages and rule_description::file.
rule_load_result load_rules(std::string_view yaml_text, const std::string& file_name);

/// One rule file.
rule_load_result load_rule_file(const std::filesystem::path& file);

/// Several rule files at once (rule ids must be unique across them).
rule_load_result load_rule_files(const std::vector<std::filesystem::path>& files);

/// Every *.yaml file of a directory, in name order.
rule_load_result load_rule_directory(const std::filesystem::path& directory);

} // namespace tg::analysis
