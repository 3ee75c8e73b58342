#include "grader/evidence/gather.hpp"

#include "common/text_file.hpp"
#include "grader/evidence/blocking.hpp"
#include "grader/evidence/crash.hpp"
#include "grader/evidence/fanout.hpp"
#include "grader/evidence/runtime_trace.hpp"
#include "grader/evidence/script_crash.hpp"
#include "grader/evidence/untrusted.hpp"
#include "mock_api/journal.hpp"

namespace grader {

build_evidence gather_build_evidence(const build_outcome& build) {
    return {{build.ok,
             build.language,
             build.toolchain,
             build.cache,
             build.seconds,
             build.summary,
             build.isolation.summary},
            build.timed_out,
            build.findings};
}

scenario_evidence
derive_evidence(const scenario_spec& spec, run_outcome run, fanout_evidence fanout) {
    scenario_evidence ev;
    ev.scenario = spec.name;
    ev.deadline_s = spec.deadline_s;
    ev.oracle = mock_api::compute_oracle(spec.scene);
    ev.crashes = analyse_crash(run);
    ev.report = parse_report(run.stdout_text);
    ev.run = std::move(run);
    ev.fanout = std::move(fanout);
    return ev;
}

common::result<scenario_evidence>
gather_evidence(const scenario_spec& spec, const run_outcome& run, const run_files& files) {
    fanout_evidence fanout;
    try {
        // The mock (our process, outside the candidate's reach) wrote the journal.
        const auto journal = mock_api::journal_snapshot::from_json(
            nlohmann::json::parse(common::read_text(files.journal)));
        fanout = analyse_fanout(journal, spec.scene);
    } catch (const std::exception& e) {
        return common::error{common::errc::internal,
                             std::string("the mock's journal is unreadable: ") + e.what()};
    }
    // Node's and Python's own diagnostics are evidence about blocking, not the candidate's
    // words: the checks read stderr without them.
    auto diagnostics = split_runtime_diagnostics(run.stderr_text, files.source_dir);
    run_outcome candidate_run = run;
    candidate_run.stderr_text = std::move(diagnostics.candidate_stderr);
    auto ev = derive_evidence(spec, std::move(candidate_run), std::move(fanout));
    for (auto& f : analyse_script_crash(ev.run, files.source_dir)) {
        ev.crashes.push_back(std::move(f));
    }
    ev.files = list_evidence_files(files.evidence_dir);
    ev.runtime_trace =
        read_runtime_trace(files.evidence_dir / runtime_trace_file, files.source_dir);
    ev.blocking = read_blocking_evidence({files.probe_log, files.source_dir, files.own_binaries},
                                         diagnostics.calls,
                                         ev.runtime_trace);
    return ev;
}

} // namespace grader
