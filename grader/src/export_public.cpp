#include "grader/export_public.hpp"

#include "common/text_file.hpp"
#include "common/yaml_reader.hpp"
#include "grader/rubric.hpp"

#include <set>

namespace grader {

namespace fs = std::filesystem;

namespace {

// The visible scenarios (their files copied to OUT/scenarios/); returns how many were hidden.
int keep_visible_scenarios(YAML::Node& root,
                           const fs::path& dir,
                           const fs::path& out_dir,
                           std::set<std::string>& visible) {
    int hidden = 0;
    YAML::Node scenarios(YAML::NodeType::Sequence);
    for (const auto& s : root["scenarios"]) {
        const std::string vis = s["visibility"] ? s["visibility"].as<std::string>() : "visible";
        if (vis == "hidden") {
            ++hidden;
            continue;
        }
        YAML::Node copy = YAML::Clone(s);
        const std::string name = s["name"].as<std::string>();
        visible.insert(name);
        if (s["file"]) {
            std::error_code ec;
            fs::copy_file(dir / s["file"].as<std::string>(),
                          out_dir / "scenarios" / (name + ".yaml"),
                          fs::copy_options::overwrite_existing,
                          ec);
            copy["file"] = "scenarios/" + name + ".yaml";
        }
        scenarios.push_back(copy);
    }
    root["scenarios"] = scenarios;
    return hidden;
}

// Checks restricted to the visible scenarios; a check only about hidden ones stays hidden.
void keep_visible_checks(YAML::Node& root, const std::set<std::string>& visible) {
    YAML::Node checks(YAML::NodeType::Sequence);
    for (const auto& c : root["checks"]) {
        YAML::Node copy = YAML::Clone(c);
        if (c["scenarios"] && c["scenarios"].IsSequence()) {
            YAML::Node kept(YAML::NodeType::Sequence);
            for (const auto& n : c["scenarios"]) {
                if (visible.count(n.as<std::string>()) != 0) {
                    kept.push_back(n.as<std::string>());
                }
            }
            if (kept.size() == 0) {
                continue;
            }
            copy["scenarios"] = kept;
        }
        checks.push_back(copy);
    }
    root["checks"] = checks;
}

} // namespace

common::result<int> export_public(const fs::path& rubric_file, const fs::path& out_dir) {
    auto loaded = load_rubric(rubric_file); // only a valid rubric is exported
    if (!loaded) {
        return loaded.err();
    }
    auto root_result = common::yaml_reader::load_file(rubric_file);
    if (!root_result) {
        return root_result.err();
    }
    YAML::Node root = YAML::Clone(root_result.value());
    const fs::path dir = rubric_file.parent_path();
    std::error_code ec;
    fs::create_directories(out_dir / "scenarios", ec);
    if (ec) {
        return common::error{common::errc::io,
                             "cannot create " + out_dir.string() + ": " + ec.message()};
    }
    std::set<std::string> visible;
    const int hidden = keep_visible_scenarios(root, dir, out_dir, visible);
    keep_visible_checks(root, visible);
    if (root["prompt"]) {
        const fs::path prompt = dir / root["prompt"].as<std::string>();
        fs::copy_file(
            prompt, out_dir / prompt.filename(), fs::copy_options::overwrite_existing, ec);
        root["prompt"] = prompt.filename().string();
    }
    const fs::path out_file = out_dir / rubric_file.filename();
    YAML::Emitter emitter;
    emitter << root;
    common::write_text(out_file,
                       "# Candidate-safe export of " + rubric_file.filename().string() +
                           ": visible scenarios only.\n" + emitter.c_str() + "\n");
    auto check = load_rubric(out_file);
    if (!check) {
        return common::error{common::errc::internal,
                             "the exported rubric does not validate: " + check.err().message};
    }
    return hidden;
}

} // namespace grader
