#include "grader/rubric.hpp"

#include "common/suggest.hpp"
#include "common/text_file.hpp"
#include "common/yaml_reader.hpp"
#include "grader/sha256.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace grader {
namespace {

using common::yaml_map;
using common::yaml_reader;

// Threshold keys each category understands, with their defaults (the contract's numbers).
const std::map<category, std::map<std::string, double>> threshold_defaults{
    {category::concurrency,
     {{"min_peak_in_flight", 8}, {"min_efficiency", 0.5}, {"max_refill_share", 0.1}}},
    {category::timeout, {{"max_wall_s", 3.5}}},
    {category::blocking, {{"static_fails", 1}}},
};

template <typename Enum>
Enum pick_name(const yaml_reader& r,
               const YAML::Node& node,
               const std::string& what,
               const std::vector<std::pair<Enum, std::string_view>>& names) {
    const std::string value = r.as_string(node, what);
    std::vector<std::string> known;
    for (const auto& [e, name] : names) {
        if (name == value) {
            return e;
        }
        known.emplace_back(name);
    }
    const std::string suggestion = common::closest_match(value, known);
    std::string all;
    for (const auto& k : known) {
        all += (all.empty() ? "" : ", ") + k;
    }
    r.fail(node,
           "unknown " + what + " '" + value + "'" +
               (suggestion.empty() ? " (expected one of " + all + ")"
                                   : " (did you mean '" + suggestion + "'?)"));
}

scenario_spec parse_scenario_entry(const yaml_reader& r,
                                   const YAML::Node& node,
                                   const std::filesystem::path& dir) {
    const yaml_map m =
        r.as_map(node, "scenario", {"name", "file", "inline", "visibility", "deadline_s"});
    scenario_spec s;
    s.name = m.get_string("name");
    s.vis = pick_name<visibility>(
        r,
        m.has("visibility") ? m.required("visibility") : YAML::Node("visible"),
        "visibility",
        {{visibility::visible, "visible"}, {visibility::hidden, "hidden"}});
    s.deadline_s = m.get_number("deadline_s", 0.5, 600, 10);
    if (m.has("file") == m.has("inline")) {
        r.fail(node, "scenario '" + s.name + "' needs exactly one of 'file' or 'inline'");
    }
    if (m.has("file")) {
        const YAML::Node file_node = m.required("file");
        s.file = dir / r.as_string(file_node, "file");
        auto loaded = mock_api::load_scenario(s.file);
        if (!loaded) {
            // The scenario's own located message, prefixed by where the rubric names it.
            r.fail(file_node, "in scenario file: " + loaded.err().message);
        }
        s.scene = loaded.value();
    } else {
        const YAML::Node body = m.required("inline");
        auto parsed = mock_api::parse_scenario_node(body, r.file());
        if (!parsed) {
            throw common::yaml_error(parsed.err().message);
        }
        s.scene = parsed.value();
        YAML::Emitter out;
        out << body;
        s.inline_yaml = out.c_str();
    }
    return s;
}

// The category's threshold keys with their defaults, overridden where the check says.
void parse_threshold(const yaml_reader& r, const yaml_map& m, check_spec& c) {
    const auto defaults = threshold_defaults.find(c.what);
    if (defaults != threshold_defaults.end()) {
        c.threshold = defaults->second;
    }
    if (!m.has("threshold")) {
        return;
    }
    std::vector<std::string> keys;
    for (const auto& [k, v] : c.threshold) {
        keys.push_back(k);
    }
    if (keys.empty()) {
        r.fail(m.required("threshold"),
               "checks of category '" + to_string(c.what) + "' take no threshold");
    }
    const yaml_map t = r.as_map(m.required("threshold"), "threshold", keys);
    for (auto& [k, v] : c.threshold) {
        v = t.get_number(k, 0, 1e9, v);
    }
}

// `scenarios`: all, or a list of known names; a build check runs none.
void parse_check_scenarios(const yaml_reader& r,
                           const yaml_map& m,
                           const YAML::Node& node,
                           const rubric& rb,
                           check_spec& c) {
    const YAML::Node scenarios = m.optional("scenarios");
    if (c.what == category::build) {
        if (scenarios.IsDefined()) {
            r.fail(scenarios, "a build check does not run scenarios");
        }
        return;
    }
    std::vector<std::string> known;
    for (const auto& s : rb.scenarios) {
        known.push_back(s.name);
    }
    // The blocking check judges the whole submission: by default every scenario's run.
    if (!scenarios.IsDefined() && c.what == category::blocking) {
        c.scenarios = known;
        return;
    }
    if (!scenarios.IsDefined()) {
        r.fail(node, "check '" + c.id + "' needs 'scenarios' (a list of names, or all)");
    }
    if (scenarios.IsScalar() && scenarios.Scalar() == "all") {
        c.scenarios = known;
        return;
    }
    r.expect_sequence(scenarios, "scenarios");
    for (const auto& item : scenarios) {
        const std::string name = r.as_string(item, "scenarios");
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            const std::string suggestion = common::closest_match(name, known);
            r.fail(item,
                   "unknown scenario '" + name + "'" +
                       (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)"));
        }
        c.scenarios.push_back(name);
    }
}

check_spec parse_check(const yaml_reader& r, const YAML::Node& node, const rubric& rb) {
    const yaml_map m = r.as_map(node,
                                "check",
                                {"id",
                                 "category",
                                 "description",
                                 "scenarios",
                                 "weight",
                                 "partial_credit",
                                 "threshold",
                                 "gate"});
    check_spec c;
    c.id = m.get_string("id");
    const auto categories = category_names();
    c.what = pick_name<category>(
        r, m.required("category"), "category", {categories.begin(), categories.end()});
    c.description = m.get_string("description", "");
    c.weight = m.get_number("weight", 0, 1000, 1);
    c.gate = m.get_bool("gate", false);
    if (m.has("partial_credit")) {
        c.partial = pick_name<partial_credit>(
            r,
            m.required("partial_credit"),
            "partial_credit",
            {{partial_credit::none, "none"}, {partial_credit::proportional, "proportional"}});
    }
    if (c.what == category::style) {
        r.fail(m.required("category"),
               "checks of category '" + to_string(c.what) +
                   "' have no evaluator in this grader version yet");
    }
    parse_threshold(r, m, c);
    parse_check_scenarios(r, m, node, rb, c);
    return c;
}

// Optional `profiles` (build timeouts per language) and `limits` of a run.
void parse_profiles_and_limits(const yaml_reader& r, const yaml_map& root, rubric& rb) {
    if (root.has("profiles")) {
        const yaml_map profiles = root.get_map("profiles", {"rust", "cpp", "other"});
        for (const std::string lang : {"rust", "cpp", "other"}) {
            if (profiles.has(lang)) {
                const yaml_map p = profiles.get_map(
                    lang,
                    lang == "cpp" ? std::vector<std::string>{"build_timeout_s", "compiler"}
                                  : std::vector<std::string>{"build_timeout_s"});
                rb.profiles[lang].timeout_s =
                    static_cast<int>(p.get_int("build_timeout_s", 10, 3600, 600));
                if (p.has("compiler")) {
                    // A program name or an absolute path: it is put into a build command.
                    static const std::regex program(R"(/?[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*)");
                    const std::string compiler = p.get_string("compiler");
                    if (!std::regex_match(compiler, program)) {
                        r.fail(p.required("compiler"),
                               "'compiler' must be a program name or an absolute path (letters, "
                               "digits and _ . + - /), not '" +
                                   compiler + "'");
                    }
                    rb.profiles[lang].compiler = compiler;
                }
            }
        }
    }
    if (root.has("limits")) {
        const yaml_map l = root.get_map(
            "limits", {"cpu_s", "memory_mb", "output_kb", "open_files", "file_size_mb", "pids"});
        auto& lim = rb.limits;
        lim.cpu_s = static_cast<int>(l.get_int("cpu_s", 1, 3600, lim.cpu_s));
        lim.memory_mb = static_cast<int>(l.get_int("memory_mb", 64, 65536, lim.memory_mb));
        lim.output_kb = static_cast<int>(l.get_int("output_kb", 1, 65536, lim.output_kb));
        lim.open_files = static_cast<int>(l.get_int("open_files", 16, 65536, lim.open_files));
        lim.file_size_mb = static_cast<int>(l.get_int("file_size_mb", 1, 4096, lim.file_size_mb));
        lim.pids = static_cast<int>(l.get_int("pids", 8, 65536, lim.pids));
    }
}

// `scenarios` then `checks`, each name unique; at least one check.
void parse_scenarios_and_checks(const yaml_reader& r, const yaml_map& root, rubric& rb) {
    const YAML::Node scenarios = root.required("scenarios");
    r.expect_sequence(scenarios, "scenarios");
    std::set<std::string> names;
    for (const auto& item : scenarios) {
        auto s = parse_scenario_entry(r, item, rb.file.parent_path());
        if (!names.insert(s.name).second) {
            r.fail(item, "duplicate scenario name '" + s.name + "'");
        }
        rb.scenarios.push_back(std::move(s));
    }
    const YAML::Node checks = root.required("checks");
    r.expect_sequence(checks, "checks");
    std::set<std::string> ids;
    for (const auto& item : checks) {
        auto c = parse_check(r, item, rb);
        if (!ids.insert(c.id).second) {
            r.fail(item, "duplicate check id '" + c.id + "'");
        }
        rb.checks.push_back(std::move(c));
    }
    if (rb.checks.empty()) {
        r.fail(checks, "a rubric needs at least one check");
    }
}

rubric parse(const yaml_reader& r, const YAML::Node& root_node, const std::filesystem::path& path) {
    const yaml_map root = r.as_map(root_node,
                                   "rubric",
                                   {"schema",
                                    "name",
                                    "version",
                                    "description",
                                    "prompt",
                                    "pass_mark",
                                    "profiles",
                                    "limits",
                                    "scenarios",
                                    "checks"});
    rubric rb;
    rb.file = path;
    const auto dir = path.parent_path();
    rb.schema = static_cast<int>(root.get_int("schema", 1, 1));
    rb.name = root.get_string("name");
    rb.version = root.get_string("version");
    rb.description = root.get_string("description", "");
    if (root.has("prompt")) {
        const YAML::Node prompt = root.required("prompt");
        rb.prompt = dir / r.as_string(prompt, "prompt");
        std::error_code ec;
        if (!std::filesystem::is_regular_file(rb.prompt, ec)) {
            r.fail(prompt,
                   "prompt file " + rb.prompt.string() +
                       (ec ? " cannot be read: " + ec.message() : " is not a regular file"));
        }
    }
    rb.pass_mark = root.get_number("pass_mark", 0, 1, 0.7);
    parse_profiles_and_limits(r, root, rb);
    parse_scenarios_and_checks(r, root, rb);
    // The files were read (and checked regular and bounded) as they were parsed.
    const auto text_of = [](const std::filesystem::path& file) {
        auto text = common::read_regular_file(file, common::yaml_reader::max_file_bytes);
        return text ? std::move(text.value()) : std::string();
    };
    std::string hashed = text_of(path);
    for (const auto& s : rb.scenarios) {
        hashed += s.file.empty() ? s.inline_yaml : text_of(s.file);
    }
    rb.content_hash = "sha256:" + sha256_hex(hashed);
    return rb;
}

} // namespace

const scenario_spec* rubric::find_scenario(const std::string& scenario_name) const {
    for (const auto& s : scenarios) {
        if (s.name == scenario_name) {
            return &s;
        }
    }
    return nullptr;
}

build_profile rubric::profile_for(const std::string& language) const {
    const auto it = profiles.find(language);
    return it == profiles.end() ? build_profile{} : it->second;
}

common::result<rubric> load_rubric(const std::filesystem::path& path) {
    auto root = yaml_reader::load_file(path);
    if (!root) {
        return root.err();
    }
    try {
        return parse(yaml_reader(path.string()), root.value(), path);
    } catch (const common::yaml_error& e) {
        return common::error{common::errc::invalid_input, e.what()};
    }
}

} // namespace grader
