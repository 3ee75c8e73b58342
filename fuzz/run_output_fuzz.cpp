// fuzz_run_output: the readers of what a candidate's run printed: grader::analyse_crash on
// stderr (with the wait status the first byte picks) and grader::parse_report on stdout. Both
// take the rest of the input as the text.

#include "fuzz_support.hpp"
#include "grader/evidence/crash.hpp"
#include "grader/evidence/stdout_report.hpp"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    grader::run_outcome run;
    const std::uint8_t status = data[0];
    if ((status & 0x80) != 0) {
        run.signal = status & 0x3f; // 0..63: real signals, 0, and numbers without a name
    } else {
        run.exit_code = status & 0x3f;
    }
    run.timed_out = (status & 0x40) != 0;
    run.stderr_text = fuzz::text_of(data + 1, size - 1);
    for (const auto& f : grader::analyse_crash(run)) {
        if (f.id.empty() || f.message.empty() || f.line < 0 || f.column < 0) {
            fuzz::fail("a crash finding without an id or message, or at a negative place",
                       f.message);
        }
    }
    const grader::parsed_stdout report = grader::parse_report(run.stderr_text);
    if (report.report.has_value() == !report.error.empty()) {
        fuzz::fail("a report must be parsed or carry its error, not both or neither", report.error);
    }
    return 0;
}
