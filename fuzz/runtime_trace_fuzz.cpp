// fuzz_runtime_trace: the readers of the trace the candidate's own process writes
// (RT_TRACE_FILE): grader::for_each_json_line on the text, and grader::read_runtime_trace on
// the same bytes as a file. The first byte picks the knobs (read cap, polls kept, depth), so
// that truncation and the caps are exercised too.

#include "fuzz_support.hpp"
#include "grader/evidence/runtime_trace.hpp"
#include "grader/evidence/untrusted.hpp"

#include <algorithm>
#include <cstdint>

namespace {

namespace fs = std::filesystem;

struct knobs {
    std::size_t cap_bytes;
    std::size_t keep;
    std::size_t max_depth;
    bool truncated;
};

knobs knobs_of(std::uint8_t b) {
    // 8 KiB stands for the default 4 MiB cap: inputs (4 KiB by default) reach neither, and
    // the reader zero-fills a buffer of cap + 1 bytes: at 4 MiB that is ~27 ms per run under
    // ASan (36 runs/s), at 64 KiB still mostly page faults (245 runs/s).
    static constexpr std::size_t caps[] = {std::size_t{8} << 10, 64, 7, 0};
    return {
        caps[b & 3u], std::size_t{(b >> 2) & 7u}, std::size_t{(b >> 5) & 3u} + 1, (b & 0x80) != 0};
}

std::size_t non_empty_lines(std::string_view text) {
    std::size_t n = 0;
    for (const auto line : grader::bounded_lines(text, 1)) {
        n += line.empty() ? 0 : 1;
    }
    return n;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const knobs k = knobs_of(data[0]);
    const std::string text = fuzz::text_of(data + 1, size - 1);

    std::size_t objects = 0;
    const std::size_t unreadable =
        grader::for_each_json_line(text, k.truncated, k.max_depth, [&](const nlohmann::json& doc) {
            ++objects;
            return doc.contains("event");
        });
    if (unreadable > non_empty_lines(text)) {
        fuzz::fail("more unreadable lines than lines");
    }

    static const fs::path source_dir = fuzz::scratch_dir() / "src";
    static const fs::path file = fuzz::scratch_dir() / grader::runtime_trace_file;
    fuzz::write_file(file, text);
    const auto trace = grader::read_runtime_trace(file, source_dir, k.cap_bytes, k.keep);
    if (!trace.present || !trace.refused.empty()) {
        fuzz::fail("a regular file was not read", trace.refused);
    }
    if (trace.long_polls.size() > k.keep || trace.long_polls.size() > trace.long_polls_total) {
        fuzz::fail("more long polls kept than asked for or seen");
    }
    if (!std::is_sorted(
            trace.long_polls.begin(), trace.long_polls.end(), [](const auto& a, const auto& b) {
                return a.duration_ms > b.duration_ms;
            })) {
        fuzz::fail("long polls are not the longest first");
    }
    if (trace.truncated != (text.size() > k.cap_bytes)) {
        fuzz::fail("truncated does not say whether the cap cut the file");
    }
    return 0;
}
