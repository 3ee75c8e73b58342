// The files the grader and its supervisor exchange: RUN/spec.json in, RUN/outcome.json out.

#include "grader/model/result_json.hpp"
#include "grader/sandbox/sandbox.hpp"

namespace grader {

using nlohmann::json;

namespace {

std::string access_name(view_access a) {
    switch (a) {
    case view_access::read_write:
        return "read_write";
    case view_access::overlay:
        return "overlay";
    case view_access::collected:
        return "collected";
    case view_access::read_only:
        break;
    }
    return "read_only";
}

view_access access_from(const std::string& name) {
    if (name == "read_write") {
        return view_access::read_write;
    }
    if (name == "collected") {
        return view_access::collected;
    }
    return name == "overlay" ? view_access::overlay : view_access::read_only;
}

json limits_json(const sandbox_limits& l) {
    return {{"cpu_s", l.cpu_s},
            {"memory_mb", l.memory_mb},
            {"pids", l.pids},
            {"file_size_mb", l.file_size_mb},
            {"open_files", l.open_files},
            {"disk_mb", l.disk_mb},
            {"output_cap_bytes", l.output_cap_bytes},
            {"output_kill_bytes", l.output_kill_bytes}};
}

sandbox_limits limits_from(const json& l) {
    sandbox_limits s;
    s.cpu_s = l.at("cpu_s").get<int>();
    s.memory_mb = l.at("memory_mb").get<int>();
    s.pids = l.at("pids").get<int>();
    s.file_size_mb = l.at("file_size_mb").get<int>();
    s.open_files = l.at("open_files").get<int>();
    s.disk_mb = l.at("disk_mb").get<int>();
    s.output_cap_bytes = l.at("output_cap_bytes").get<std::size_t>();
    s.output_kill_bytes = l.at("output_kill_bytes").get<std::uint64_t>();
    return s;
}

} // namespace

json sandbox_spec::to_json() const {
    json view_json = json::array();
    for (const auto& v : view) {
        view_json.push_back({{"path", v.path.string()}, {"access", access_name(v.access)}});
    }
    std::vector<std::string> scratch_json;
    for (const auto& s : scratch) {
        scratch_json.push_back(s.string());
    }
    return {{"run_dir", run_dir.string()},
            {"command", command},
            {"cwd", cwd.string()},
            {"env", env},
            {"deadline_s", deadline_s},
            {"limits", limits_json(limits)},
            {"mock_exe", mock_exe.string()},
            {"mock_scenario", mock_scenario.string()},
            {"view", view_json},
            {"scratch", scratch_json},
            {"identity",
             {{"uid", identity.uid},
              {"gid", identity.gid},
              {"mock_uid", identity.mock_uid},
              {"mock_gid", identity.mock_gid}}},
            {"cgroup_name", cgroup_name},
            {"require_isolation", require_isolation}};
}

sandbox_spec sandbox_spec::from_json(const json& doc) {
    sandbox_spec s;
    s.run_dir = doc.at("run_dir").get<std::string>();
    s.command = doc.at("command").get<std::vector<std::string>>();
    s.cwd = doc.at("cwd").get<std::string>();
    s.env = doc.at("env").get<std::map<std::string, std::string>>();
    s.deadline_s = doc.at("deadline_s").get<double>();
    s.limits = limits_from(doc.at("limits"));
    s.mock_exe = doc.at("mock_exe").get<std::string>();
    s.mock_scenario = doc.at("mock_scenario").get<std::string>();
    for (const auto& v : doc.at("view")) {
        s.view.push_back(
            {v.at("path").get<std::string>(), access_from(v.at("access").get<std::string>())});
    }
    for (const auto& p : doc.at("scratch")) {
        s.scratch.emplace_back(p.get<std::string>());
    }
    const auto& id = doc.at("identity");
    s.identity = {id.at("uid").get<int>(),
                  id.at("gid").get<int>(),
                  id.at("mock_uid").get<int>(),
                  id.at("mock_gid").get<int>()};
    s.cgroup_name = doc.at("cgroup_name").get<std::string>();
    s.require_isolation = doc.at("require_isolation").get<bool>();
    return s;
}

// The run's part is the result model's own JSON, uncapped: the grader caps what it shows.
json sandbox_outcome::to_json() const {
    return {{"isolation", grader::to_json(isolation)},
            {"run", grader::to_json(run)},
            {"mock_url", mock_url},
            {"error", error},
            {"journal", journal.string()}};
}

sandbox_outcome sandbox_outcome::from_json(const json& doc) {
    sandbox_outcome o;
    o.isolation = isolation_from_json(doc.at("isolation"));
    o.run = run_outcome_from_json(doc.at("run"));
    o.mock_url = doc.at("mock_url").get<std::string>();
    o.error = doc.at("error").get<std::string>();
    o.journal = doc.at("journal").get<std::string>();
    return o;
}

} // namespace grader
