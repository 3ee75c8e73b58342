#pragma once
// The rubric (schema v1, documented in rubrics/README.md): metadata, build profiles, run
// limits, scenarios (mock_api scenario files or inline, visible or hidden) and scored checks,
// each in one category. Every mistake is reported as FILE:LINE:COL: message.

#include "common/result.hpp"
#include "grader/model/category.hpp"
#include "mock_api/scenario.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace grader {

enum class partial_credit {
    none,         ///< all or nothing
    proportional, ///< points scale with the share of criteria met
};

struct scenario_spec {
    std::string name;
    visibility vis = visibility::visible;
    double deadline_s = 10;     ///< wall-clock limit of the candidate's run
    std::filesystem::path file; ///< the mock_api scenario file (empty when inline)
    std::string inline_yaml;    ///< the scenario as YAML text when given inline
    mock_api::scenario scene;   ///< loaded and validated
};

struct check_spec {
    std::string id;
    category what = category::build;
    std::string description;
    std::vector<std::string> scenarios; ///< one scored result per scenario; empty for build
    double weight = 1;                  ///< points per scenario instance
    partial_credit partial = partial_credit::none;
    std::map<std::string, double> threshold; ///< per-category keys, defaults filled in
    bool gate = false; ///< any failed instance fails the submission, whatever the score
};

struct build_profile {
    int timeout_s = 600;
    /// cpp only: the C++ compiler (a name on PATH or an absolute path). Empty: the one the
    /// runtime package was built with, which must then be the same (runtime/README.md).
    std::string compiler;
};

/// Limits of a candidate's run (the wall deadline is per scenario).
struct run_limits {
    int cpu_s = 60;
    int memory_mb = 4096; ///< address space: generous, tokio reserves stacks per worker
    int output_kb = 1024; ///< captured per stream; the rest is counted and marked truncated
    int open_files = 1024;
    int file_size_mb = 64;
    int pids = 512; ///< processes and threads at once (a pids cgroup)
};

struct rubric {
    int schema = 1;
    std::string name;
    std::string version;
    std::string description;
    std::filesystem::path file;   ///< where it was loaded from
    std::filesystem::path prompt; ///< the candidate prompt (resolved path; may be empty)
    double pass_mark = 0.7;       ///< share of max score needed to pass
    std::map<std::string, build_profile> profiles; ///< by language: rust, cpp, other
    run_limits limits;
    std::vector<scenario_spec> scenarios;
    std::vector<check_spec> checks;
    std::string content_hash; ///< sha256 of the rubric and every scenario file it names

    const scenario_spec* find_scenario(const std::string& name) const;
    build_profile profile_for(const std::string& language) const;
};

/// Loads and validates a rubric and the scenario files it names (paths relative to it).
common::result<rubric> load_rubric(const std::filesystem::path& path);

} // namespace grader
