#include "grader/engine.hpp"

#include "common/suggest.hpp"
#include "grader/build.hpp"
#include "grader/checks.hpp"
#include "grader/submission.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <unistd.h>

namespace grader {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

sandbox_limits limits_of(const rubric& rb) {
    sandbox_limits l;
    l.cpu_s = rb.limits.cpu_s;
    l.memory_mb = rb.limits.memory_mb;
    l.file_size_mb = rb.limits.file_size_mb;
    l.open_files = rb.limits.open_files;
    l.output_cap_bytes = static_cast<std::size_t>(rb.limits.output_kb) * 1024;
    return l;
}

fs::path make_work_root(const grade_options& options) {
    if (!options.work_root.empty()) {
        fs::create_directories(options.work_root);
        return options.work_root;
    }
    std::string templ = (fs::temp_directory_path() / "takehome-grader-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
        throw fs::filesystem_error(
            "mkdtemp", fs::path(templ), std::error_code(errno, std::generic_category()));
    }
    return templ;
}

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

constexpr std::size_t max_evidence_files = 64;

scenario_result run_one(const scenario_spec& spec,
                        const build_outcome& build,
                        const rubric& rb,
                        const grade_options& options,
                        const fs::path& work) {
    scenario_result sr;
    sr.name = spec.name;
    sr.vis = spec.vis;
    sr.deadline_s = spec.deadline_s;
    const fs::path run_dir = work / "runs" / spec.name;
    fs::create_directories(run_dir / "home");
    fs::create_directories(run_dir / "tmp");
    fs::create_directories(run_dir / "evidence");
    fs::path scenario_file = spec.file;
    if (scenario_file.empty()) {
        scenario_file = run_dir / "scenario.yaml";
        std::ofstream(scenario_file) << spec.inline_yaml << "\n";
    }
    sandbox_spec sandbox;
    sandbox.run_dir = run_dir;
    sandbox.command = build.run_command;
    sandbox.cwd = build.run_cwd;
    sandbox.env = candidate_environment(run_dir);
    sandbox.deadline_s = spec.deadline_s;
    sandbox.limits = limits_of(rb);
    sandbox.mock_exe = options.mock_exe;
    sandbox.mock_scenario = scenario_file;
    const auto started = std::chrono::steady_clock::now();
    auto ran = run_sandboxed(sandbox, options.supervisor_exe);
    if (!ran) {
        sr.not_run_reason = ran.err().message;
        return sr;
    }
    sr.outcome = ran.value();
    if (!sr.outcome.error.empty()) {
        sr.not_run_reason = "sandbox: " + sr.outcome.error;
        return sr;
    }
    sr.ran = true;
    try {
        const auto journal = mock_api::journal_snapshot::from_json(
            nlohmann::json::parse(read_text(sr.outcome.journal)));
        sr.fanout = analyse_fanout(journal, spec.scene);
    } catch (const std::exception& e) {
        sr.ran = false;
        sr.not_run_reason = std::string("the mock's journal is unreadable: ") + e.what();
    }
    // The candidate's process can write here: list without following symlinks, without
    // throwing, and at most max_evidence_files entries.
    std::error_code listing;
    for (fs::directory_iterator it(run_dir / "evidence", listing), end;
         !listing && it != end && sr.evidence_files.size() < max_evidence_files;
         it.increment(listing)) {
        std::error_code ec;
        const auto status = it->symlink_status(ec);
        const auto bytes = !ec && fs::is_regular_file(status) ? it->file_size(ec) : 0;
        sr.evidence_files.emplace_back(it->path().filename().string(), ec ? 0 : bytes);
    }
    std::sort(sr.evidence_files.begin(), sr.evidence_files.end());
    sr.runtime_trace =
        read_runtime_trace(run_dir / "evidence" / runtime_trace_file, build.source_dir);
    sr.overhead_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() -
        sr.outcome.wall_s;
    if (options.keep_workdir) {
        sr.run_dir = run_dir.string();
    }
    return sr;
}

} // namespace

std::map<std::string, std::string> candidate_environment(const fs::path& run_dir) {
    // Documented in grader/README.md: nothing of the grader's own environment leaks in.
    return {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
            {"HOME", (run_dir / "home").string()},
            {"TMPDIR", (run_dir / "tmp").string()},
            {"LANG", "C.UTF-8"},
            {"RT_TRACE_FILE", (run_dir / "evidence" / runtime_trace_file).string()}};
}

common::result<grade_result> grade(const rubric& rb, const grade_options& options) {
    auto sub = detect_submission(options.submission_dir);
    if (!sub) {
        return sub.err();
    }
    grade_result result;
    result.mode = options.mode;
    result.submission_path = options.submission_dir.string();
    result.submission_name = sub.value().name;
    result.rubric_name = rb.name;
    result.rubric_version = rb.version;
    result.rubric_file = rb.file.string();
    result.rubric_hash = rb.content_hash;
    result.pass_mark = rb.pass_mark;
    auto chosen = select_scenarios(rb, options, result.hidden_scenarios_not_run);
    if (!chosen) {
        return chosen.err();
    }
    fs::path work;
    try {
        work = make_work_root(options);
    } catch (const fs::filesystem_error& e) {
        return common::error{common::errc::io, e.what()};
    }

    build_context bctx;
    bctx.work_dir = work / "build";
    bctx.cache_dir = options.cache_dir;
    bctx.supervisor_exe = options.supervisor_exe;
    bctx.runtime_package_dir = options.runtime_package_dir;
    bctx.timeout_s =
        rb.profile_for(sub.value().from_manifest ? "other" : sub.value().language).timeout_s;
    bctx.limits = limits_of(rb);
    bctx.limits.memory_mb = std::max(bctx.limits.memory_mb, 8192); // rustc and linkers are hungry
    bctx.limits.cpu_s = bctx.timeout_s * 4;
    auto built = build_submission(sub.value(), bctx);
    if (!built) {
        return built.err();
    }
    const build_outcome& build = built.value();
    result.build = {build.ok,
                    build.language,
                    build.toolchain,
                    build.cache,
                    build.seconds,
                    build.summary,
                    build.isolation};
    result.isolation = build.isolation;

    for (const auto& check : rb.checks) {
        if (check.what == category::build) {
            result.checks.push_back(evaluate_build(check, build));
        }
    }
    std::vector<std::pair<const scenario_spec*, scenario_result>> runs;
    for (const auto* spec : chosen.value()) {
        scenario_result sr;
        if (build.ok) {
            sr = run_one(*spec, build, rb, options, work);
        } else {
            sr.name = spec->name;
            sr.vis = spec->vis;
            sr.deadline_s = spec->deadline_s;
            sr.not_run_reason = "the build failed";
        }
        if (sr.ran && result.isolation.empty()) {
            result.isolation = sr.outcome.isolation;
        }
        runs.emplace_back(spec, std::move(sr));
    }
    // Evidence is gathered once per scenario run (oracle, crash scan, parsed stdout); every
    // check of that scenario reads the same evidence.
    std::vector<mock_api::oracle> oracles;
    oracles.reserve(runs.size()); // scenario_evidence refers into it: no reallocation
    std::vector<std::optional<scenario_evidence>> evidence;
    for (const auto& [spec, sr] : runs) {
        oracles.push_back(mock_api::compute_oracle(spec->scene));
        evidence.push_back(
            sr.ran ? std::optional(gather_evidence(*spec, sr.outcome, sr.fanout, oracles.back()))
                   : std::nullopt);
    }
    for (const auto& check : rb.checks) {
        if (check.what == category::build) {
            continue;
        }
        for (std::size_t i = 0; i < runs.size(); ++i) {
            const auto& [spec, sr] = runs[i];
            if (std::find(check.scenarios.begin(), check.scenarios.end(), spec->name) ==
                check.scenarios.end()) {
                continue;
            }
            result.checks.push_back(evidence[i] ? evaluate(check, *evidence[i])
                                                : not_run(check, spec->name, sr.not_run_reason));
        }
    }
    for (auto& [spec, sr] : runs) {
        result.scenarios.push_back(std::move(sr));
    }
    total_scores(result);
    if (options.keep_workdir) {
        result.work_dir = work.string();
    } else {
        std::error_code ec;
        fs::remove_all(work, ec);
    }
    return result;
}

} // namespace grader
