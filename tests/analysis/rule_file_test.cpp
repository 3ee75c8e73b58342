// Rule files: the built-in ones load; a malformed one is refused with a located message; a
// custom one can be loaded and used.

#include "analysis_test_support.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace analysis_test;
using tg::analysis::load_rules;
using tg::analysis::rule_set;

TEST_CASE("the built-in rules load and cover every language", "[analysis][rules]") {
    const auto& rules = rule_set::builtin().rules();
    std::set<std::string> ids;
    std::set<language> languages;
    for (const auto& rule : rules) {
        CHECK(ids.insert(rule.id).second);
        languages.insert(rule.lang);
        CHECK(rule.file.starts_with("grader/analysis/rules/"));
        CHECK(!rule.explanation.empty());
    }
    CHECK(languages.size() == 4);
    CHECK(ids.contains("rust-thread-sleep-in-async"));
    CHECK(ids.contains("rust-await-in-for-loop"));
    CHECK(ids.contains("cpp-thread-sleep-in-coroutine"));
    CHECK(ids.contains("js-sync-fs-in-async"));
    CHECK(ids.contains("py-time-sleep-in-async"));
}

namespace {

/// A one-rule file whose query and message are given.
std::string rule_file(const std::string& query_lines, const std::string& message = "m {call}") {
    return "language: rust\n"
           "rules:\n"
           "  - id: test-rule\n"
           "    category: blocking\n"
           "    severity: error\n"
           "    query: |\n" +
           query_lines + "    message: \"" + message +
           "\"\n"
           "    explanation: e\n";
}

} // namespace

TEST_CASE("a malformed rule file gives a located error", "[analysis][rules]") {
    const auto [text, error] = GENERATE(table<std::string, std::string>({
        {"language: rust\nrules: [\n", "bad.yaml:3:1: end of sequence flow not found"},
        {"language: cobol\nrules: []\n",
         "bad.yaml:1:11: unknown language 'cobol' (rust, cpp, javascript or python)"},
        {"language: rust\nrulez: []\n", "bad.yaml:2:1: unknown key 'rulez'"},
        {"language: rust\nrules:\n  - id: x\n    category: speed\n",
         "bad.yaml:3:5: missing 'severity'"},
        {rule_file("      ((call_expression) @call\n       (#resembles? @call \"x\"))\n"),
         "bad.yaml:7:7: query: unknown predicate #resembles? (in rule 'test-rule')"},
        {rule_file("      (call_expression\n        function: (identifer)) @call\n"),
         "bad.yaml:8:20: query: unknown node type (in rule 'test-rule')"},
        {rule_file("      ((call_expression) @call\n       (#match? @call \"(\"))\n"),
         "bad.yaml:7:7: query: #match?: bad regular expression \"(\": Mismatched '(' and ')' "
         "in regular expression (in rule 'test-rule')"},
        {rule_file("      (call_expression) @call\n      (#eq? @call \"x\")\n"),
         "bad.yaml:8:7: query: a predicate must sit inside its pattern's parentheses: "
         "((pattern) (#eq? ...)) (in rule 'test-rule')"},
        {rule_file("      (call_expression) @call\n", "m {callee}"),
         "bad.yaml:8:14: message: {callee} names no capture of the query"},
    }));
    const auto loaded = load_rules(text, "bad.yaml");
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error == error);
}

TEST_CASE("a rule file that cannot be read is an error naming it", "[analysis][rules]") {
    const auto loaded = tg::analysis::load_rule_file("/nonexistent/rules.yaml");
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error == "/nonexistent/rules.yaml: cannot read the rule file");
}

TEST_CASE("a malformed rule file on disk gives an error located in it", "[analysis][rules]") {
    temp_dir dir;
    const auto file =
        dir.write("rules/bad.yaml", "language: rust\nrules:\n  - id: x\n    severity: loud\n");
    const auto loaded = tg::analysis::load_rule_directory(dir.path() / "rules");
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error == file.string() + ":3:5: missing 'category'");
}

TEST_CASE("a custom rule file is loaded and applied", "[analysis][rules]") {
    const auto loaded = load_rules(R"(language: python
rules:
  - id: py-print-in-async
    category: style
    severity: info
    inside: async
    query: |
      ((call function: (identifier) @callee) @call
       (#eq? @callee "print"))
    report: call
    message: "{callee}() in {function}"
    explanation: use logging
)",
                                   "custom.yaml");
    REQUIRE(loaded);
    tg::analysis::analysis_options options;
    options.rules = &*loaded.rules;
    const auto report =
        tg::analysis::analyse_source(language::python,
                                     "def a():\n    print(1)\nasync def b():\n    print(2)\n",
                                     "x.py",
                                     options);
    REQUIRE(report.findings.size() == 1);
    CHECK(report.findings[0].line == 4);
    CHECK(report.findings[0].message == "print() in async def b");
    CHECK(loaded.rules->rules()[0].line == 3);
}
