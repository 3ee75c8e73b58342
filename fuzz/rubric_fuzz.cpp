// fuzz_rubric: the rubric loader (grader::load_rubric). It reads a path, so each input is
// written to RUBRIC in a scratch directory that also holds a copy of the repository's
// rubrics/jobs-fanout/ (prompt and scenario files), so that the real rubric used as a seed
// loads completely. Any text is either a rubric or an error located in RUBRIC.
// Files it names anywhere (/dev/zero, a FIFO, a name over 255 bytes) are refused with a
// located error: the loader reads regular files only, up to a cap.

#include "fuzz_support.hpp"
#include "grader/rubric.hpp"

#include <cstdint>

#ifndef TG_SOURCE_DIR
#error "TG_SOURCE_DIR must name the source tree (fuzz/CMakeLists.txt defines it)"
#endif

namespace {

namespace fs = std::filesystem;

const fs::path& rubric_file() {
    static const fs::path file = [] {
        const fs::path dir = fuzz::scratch_dir();
        fs::copy(fs::path(TG_SOURCE_DIR) / "rubrics" / "jobs-fanout",
                 dir / "jobs-fanout",
                 fs::copy_options::recursive);
        return dir / "rubric.yaml";
    }();
    return file;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::text_of(data, size);
    const fs::path& file = rubric_file();
    fuzz::write_file(file, text);
    const auto loaded = grader::load_rubric(file);
    if (!loaded) {
        fuzz::expect_located(loaded.err(), file.string());
        return 0;
    }
    const grader::rubric& rb = loaded.value();
    for (const auto& c : rb.checks) {
        for (const auto& s : c.scenarios) {
            if (rb.find_scenario(s) == nullptr) {
                fuzz::fail("a check names a scenario the rubric does not have", s);
            }
        }
    }
    return 0;
}
