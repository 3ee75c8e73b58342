// fuzz_rubric: the rubric loader (grader::load_rubric). It reads a path, so each input is
// written to RUBRIC in a scratch directory that also holds a copy of the repository's
// rubrics/jobs-fanout/ (prompt and scenario files), so that the real rubric used as a seed
// loads completely. Any text is either a rubric or an error located in RUBRIC.
//
// Two open bugs in the loader (fuzz/README.md) have guards here:
// - "rubric-reads-any-file": it reads whatever file a rubric names, to the end: /dev/zero
//   grows memory without bound, a FIFO blocks. Inputs that name a path outside the scratch
//   directory (absolute, or with "..") are skipped.
// - "rubric-prompt-name-too-long": a prompt path the OS refuses to look up (a component over
//   255 bytes: ENAMETOOLONG) makes std::filesystem::exists throw out of load_rubric.

#include "fuzz_support.hpp"
#include "grader/rubric.hpp"

#include <cstdint>
#include <optional>
#include <yaml-cpp/yaml.h>

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

// False when a scalar could name a file outside the scratch directory; also false for
// documents too large to walk cheaply (aliases can make a small text a huge tree).
bool stays_inside(const YAML::Node& node, std::size_t& budget, int depth) {
    if (budget == 0 || depth > 200) {
        return false;
    }
    --budget;
    if (node.IsScalar()) {
        const std::string& s = node.Scalar();
        return s.empty() || (s.front() != '/' && s.find("..") == std::string::npos);
    }
    if (node.IsSequence() || node.IsMap()) {
        for (const auto& item : node) {
            const bool inside = node.IsMap() ? stays_inside(item.first, budget, depth + 1) &&
                                                   stays_inside(item.second, budget, depth + 1)
                                             : stays_inside(item, budget, depth + 1);
            if (!inside) {
                return false;
            }
        }
    }
    return true;
}

bool names_outside_files(const std::string& text) {
    try {
        std::size_t budget = 20000;
        return !stays_inside(YAML::Load(text), budget, 0);
    } catch (const YAML::Exception&) {
        return false; // the loader reports it; nothing is opened
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::text_of(data, size);
    if (fuzz::guard_open_bug("rubric-reads-any-file") && names_outside_files(text)) {
        return -1; // not added to the corpus
    }
    const fs::path& file = rubric_file();
    fuzz::write_file(file, text);
    std::optional<common::result<grader::rubric>> result;
    try {
        result.emplace(grader::load_rubric(file));
    } catch (const fs::filesystem_error&) {
        if (fuzz::guard_open_bug("rubric-prompt-name-too-long")) {
            return -1;
        }
        throw;
    }
    auto& loaded = *result;
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
