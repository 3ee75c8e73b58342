#include "scenarios.hpp"

#include "common/suggest.hpp"

#include <algorithm>

namespace grader::engine {

common::result<std::vector<const scenario_spec*>>
select_scenarios(const rubric& rb, const grade_options& options, int& hidden_skipped) {
    std::vector<std::string> known;
    for (const auto& s : rb.scenarios) {
        known.push_back(s.name);
    }
    for (const auto& name : options.only_scenarios) {
        if (rb.find_scenario(name) == nullptr) {
            const auto suggestion = common::closest_match(name, known);
            return common::error{
                common::errc::invalid_input,
                "unknown scenario '" + name + "'" +
                    (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)")};
        }
    }
    std::vector<const scenario_spec*> chosen;
    for (const auto& s : rb.scenarios) {
        if (options.visible_only && s.vis == visibility::hidden) {
            ++hidden_skipped;
            continue;
        }
        if (!options.only_scenarios.empty() &&
            std::find(options.only_scenarios.begin(), options.only_scenarios.end(), s.name) ==
                options.only_scenarios.end()) {
            continue;
        }
        chosen.push_back(&s);
    }
    return chosen;
}

} // namespace grader::engine
