#pragma once
// Running a program with the probe preloaded and reading what it found, for the probe's
// tests. Test programs mark the lines the probe must report with a comment ending in
// "probe: blocks"; every other line must go unreported.

#include "probe/analysis.hpp"
#include "process.hpp"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace probe_test {

namespace fs = std::filesystem;

/// A fresh directory under the system's temp dir, removed with everything in it.
class temp_dir {
  public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    [[nodiscard]] const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

/// A program's run under the probe.
struct probed_run {
    test_support::run_result result;
    std::string log; ///< the probe's log, whole
};

/// Runs `exe args...` with LD_PRELOAD=libtg_probe.so and TG_PROBE_LOG in `dir`, plus `env`
/// ("NAME=value") entries, through /usr/bin/env (which sets them for the program only).
probed_run run_probed(const fs::path& dir,
                      const std::string& exe,
                      const std::vector<std::string>& args,
                      const std::vector<std::string>& env = {});

/// Runs the same way but without TG_PROBE_LOG: the probe is loaded and must stay inert.
test_support::run_result run_preloaded_without_log(const std::string& exe,
                                                   const std::vector<std::string>& args);

/// The probe's analysis of `log`, with addr2line and `source_root` as the submission's root.
tg::probe::probe_report analyse(const std::string& log, const fs::path& source_root);

/// The 1-based numbers of the lines of `file` that end with `marker`.
std::set<int> marked_lines(const fs::path& file, const std::string& marker = "probe: blocks");

/// The lines of `file` (relative to the source root) where `report` found blocking calls.
std::set<int> reported_lines(const tg::probe::probe_report& report, const std::string& file);

/// A readable summary of a report for failure messages.
std::string describe(const tg::probe::probe_report& report);

/// Writes `text` to `path`.
void write_file(const fs::path& path, const std::string& text);

/// The directory holding the probe's test programs (tests/probe/programs).
fs::path programs_dir();

} // namespace probe_test
