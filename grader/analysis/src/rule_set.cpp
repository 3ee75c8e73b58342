// rule_set's public face: the built-in rules and the loaders (rule_loader.cpp does the reading).

#include "analysis/rule_set.hpp"

#include "rule_loader.hpp"
#include "rule_model.hpp"

#include <algorithm>
#include <stdexcept>

namespace tg::analysis {

rule_set::rule_set(std::shared_ptr<const detail::compiled_rules> compiled)
    : compiled_(std::move(compiled)) {}

const std::vector<rule_description>& rule_set::rules() const { return compiled_->descriptions; }

const rule_set& rule_set::builtin() {
    static const rule_set rules = [] {
        std::vector<std::pair<std::string, std::string>> files;
        for (const auto& file : detail::builtin_rule_files()) {
            files.emplace_back(std::string(file.name), std::string(file.text));
        }
        auto loaded = detail::load_rule_texts(files);
        if (!loaded) {
            throw std::logic_error("the built-in analysis rules do not load: " + loaded.error);
        }
        return *loaded.rules;
    }();
    return rules;
}

rule_load_result load_rules(std::string_view yaml_text, const std::string& file_name) {
    return detail::load_rule_texts({{file_name, std::string(yaml_text)}});
}

rule_load_result load_rule_file(const std::filesystem::path& file) {
    return load_rule_files({file});
}

rule_load_result load_rule_files(const std::vector<std::filesystem::path>& files) {
    std::vector<std::pair<std::string, std::string>> texts;
    for (const auto& file : files) {
        auto text = detail::read_whole_file(file);
        if (!text) {
            return {std::nullopt, file.string() + ": cannot read the rule file"};
        }
        texts.emplace_back(file.string(), std::move(*text));
    }
    return detail::load_rule_texts(texts);
}

rule_load_result load_rule_directory(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
        if (entry.path().extension() == ".yaml") {
            files.push_back(entry.path());
        }
    }
    if (ec) {
        return {std::nullopt,
                directory.string() + ": cannot list the rule directory: " + ec.message()};
    }
    std::sort(files.begin(), files.end());
    return load_rule_files(files);
}

} // namespace tg::analysis
