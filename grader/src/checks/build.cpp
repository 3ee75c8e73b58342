// build: did the submission build? Findings carry the compiler's located messages.

#include "grader/checks/checks.hpp"

namespace grader {

check_result evaluate_build(const check_spec& check, const build_evidence& build) {
    check_result r;
    r.id = check.id;
    r.check = check.id;
    r.what = category::build;
    r.max_points = check.weight;
    r.gate = check.gate;
    r.description = check.description;
    r.passed = build.result.ok;
    r.points = build.result.ok ? check.weight : 0;
    r.summary = build.result.summary;
    r.findings = build.findings;
    r.evidence = {{"toolchain", build.result.toolchain},
                  {"seconds", build.result.seconds},
                  {"dependency_cache", build.result.cache}};
    return r;
}

} // namespace grader
