#pragma once
// Fan-out evidence: how the detail requests overlapped, read from the mock's journal (the
// server's side: the candidate cannot fake it).

#include "grader/model/result.hpp"
#include "mock_api/journal.hpp"
#include "mock_api/scenario.hpp"

namespace grader {

/// Peak in flight, window, pool-aware efficiency and classification of the cleanly answered
/// detail requests; missing, duplicate and unknown ids; every request as a timeline interval.
fanout_evidence analyse_fanout(const mock_api::journal_snapshot& journal,
                               const mock_api::scenario& scene);

} // namespace grader
