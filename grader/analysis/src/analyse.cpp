// analyse_source and analyse_directory: parse every file, learn the async functions of each
// language across files, then run that language's rules over each file.

#include "analysis/analysis.hpp"
#include "rule_runner.hpp"
#include "scopes.hpp"
#include "source_files.hpp"

#include <algorithm>
#include <tuple>

namespace tg::analysis {

namespace {

using detail::parsed_source;

struct pending_file {
    std::string relative;
    language lang;
    std::string text;
};

const rule_set& rules_of(const analysis_options& options) {
    return options.rules != nullptr ? *options.rules : rule_set::builtin();
}

std::optional<parsed_source>
parse_one(pending_file& file, const analysis_options& options, analysis_report& report) {
    std::string why;
    auto tree = detail::syntax_tree::parse(file.lang, file.text, options.parse_timeout_micros, why);
    if (!tree) {
        report.errors.push_back(file.relative + ": " + why);
        return std::nullopt;
    }
    if (const detail::node_id error = tree->first_error(); error != detail::no_node) {
        report.errors.push_back(file.relative + ":" + std::to_string(tree->line(error)) + ":" +
                                std::to_string(tree->column(error)) +
                                ": syntax error; findings in this file may be incomplete");
    }
    report.files_analysed.push_back(file.relative);
    auto imports = detail::import_table::read(*tree);
    return parsed_source{file.relative, std::move(*tree), std::move(imports)};
}

void analyse_files(std::vector<pending_file>& files,
                   const analysis_options& options,
                   analysis_report& report) {
    const auto& compiled = detail::rule_set_access::of(rules_of(options));
    std::vector<parsed_source> parsed;
    for (pending_file& file : files) {
        if (auto source = parse_one(file, options, report)) {
            parsed.push_back(std::move(*source));
        }
        file.text.clear();
    }
    std::array<detail::async_functions, 4> functions;
    for (const parsed_source& source : parsed) {
        const auto& rules = compiled.by_language[detail::index_of(source.tree.lang())];
        const detail::scope_finder scopes(source.tree, rules.inline_callees);
        functions[detail::index_of(source.tree.lang())].add(source.tree, scopes);
    }
    for (const parsed_source& source : parsed) {
        const std::size_t lang = detail::index_of(source.tree.lang());
        auto found = detail::run_rules(compiled.by_language[lang], source, functions[lang]);
        report.findings.insert(report.findings.end(), found.begin(), found.end());
    }
    std::sort(report.findings.begin(), report.findings.end(), [](const auto& a, const auto& b) {
        return std::tie(a.file, a.line, a.column, a.rule) <
               std::tie(b.file, b.line, b.column, b.rule);
    });
}

} // namespace

analysis_report analyse_source(language lang,
                               std::string_view text,
                               const std::string& file_name,
                               const analysis_options& options) {
    analysis_report report;
    std::vector<pending_file> files{{file_name, lang, std::string(text)}};
    analyse_files(files, options, report);
    return report;
}

analysis_report analyse_directory(const std::filesystem::path& root,
                                  const analysis_options& options) {
    analysis_report report;
    std::vector<pending_file> files;
    for (auto& file : detail::collect_source_files(root, options, report)) {
        auto text = detail::read_source_file(root / file.relative, options, report, file.relative);
        if (text) {
            files.push_back({std::move(file.relative), file.lang, std::move(*text)});
        }
    }
    analyse_files(files, options, report);
    return report;
}

} // namespace tg::analysis
