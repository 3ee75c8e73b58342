// The files the grader and its supervisor exchange: RUN/spec.json in, RUN/outcome.json out.

#include "grader/model/result_json.hpp"
#include "grader/sandbox/sandbox.hpp"

namespace grader {

using nlohmann::json;

json sandbox_spec::to_json() const {
    return {{"run_dir", run_dir.string()},
            {"command", command},
            {"cwd", cwd.string()},
            {"env", env},
            {"deadline_s", deadline_s},
            {"limits",
             {{"cpu_s", limits.cpu_s},
              {"memory_mb", limits.memory_mb},
              {"file_size_mb", limits.file_size_mb},
              {"open_files", limits.open_files},
              {"output_cap_bytes", limits.output_cap_bytes}}},
            {"mock_exe", mock_exe.string()},
            {"mock_scenario", mock_scenario.string()},
            {"allow_no_isolation", allow_no_isolation}};
}

sandbox_spec sandbox_spec::from_json(const json& doc) {
    sandbox_spec s;
    s.run_dir = doc.at("run_dir").get<std::string>();
    s.command = doc.at("command").get<std::vector<std::string>>();
    s.cwd = doc.at("cwd").get<std::string>();
    s.env = doc.at("env").get<std::map<std::string, std::string>>();
    s.deadline_s = doc.at("deadline_s").get<double>();
    const auto& l = doc.at("limits");
    s.limits.cpu_s = l.at("cpu_s").get<int>();
    s.limits.memory_mb = l.at("memory_mb").get<int>();
    s.limits.file_size_mb = l.at("file_size_mb").get<int>();
    s.limits.open_files = l.at("open_files").get<int>();
    s.limits.output_cap_bytes = l.at("output_cap_bytes").get<std::size_t>();
    s.mock_exe = doc.at("mock_exe").get<std::string>();
    s.mock_scenario = doc.at("mock_scenario").get<std::string>();
    s.allow_no_isolation = doc.at("allow_no_isolation").get<bool>();
    return s;
}

// The run's part is the result model's own JSON, uncapped: the grader caps what it shows.
json sandbox_outcome::to_json() const {
    return {{"isolation", isolation},
            {"run", grader::to_json(run)},
            {"mock_url", mock_url},
            {"error", error},
            {"journal", journal.string()}};
}

sandbox_outcome sandbox_outcome::from_json(const json& doc) {
    sandbox_outcome o;
    o.isolation = doc.at("isolation").get<std::string>();
    o.run = run_outcome_from_json(doc.at("run"));
    o.mock_url = doc.at("mock_url").get<std::string>();
    o.error = doc.at("error").get<std::string>();
    o.journal = doc.at("journal").get<std::string>();
    return o;
}

} // namespace grader
