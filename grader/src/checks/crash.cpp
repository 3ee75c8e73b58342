// crash: no panic, unwrap/expect, uncaught exception, abort or fatal signal. A deadline kill
// is not a crash (the timeout check judges it).

#include "scoring.hpp"

namespace grader::checks {

void evaluate_crash(check_result& r, const check_spec& check, const scenario_evidence& ev) {
    r.findings = ev.crashes;
    r.evidence = {{"exit", how_it_ended(ev.run)}, {"crashes", ev.crashes.size()}};
    if (ev.crashes.empty()) {
        r.summary = ev.run.timed_out ? "no crash before the deadline"
                                     : "no panic, abort, uncaught exception or signal";
    } else {
        const auto& f = ev.crashes.front();
        r.summary = f.file.empty() ? f.message
                                   : f.message + " (" + f.file + ":" + std::to_string(f.line) +
                                         (f.column > 0 ? ":" + std::to_string(f.column) : "") + ")";
    }
    score(r, check, ev.crashes.empty() ? 1.0 : 0.0);
}

} // namespace grader::checks
