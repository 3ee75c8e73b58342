#include "probe_fixture.hpp"

#include "files.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace probe_test {

temp_dir::temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "tg-probe-test.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
}

temp_dir::~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

probed_run run_probed(const fs::path& dir,
                      const std::string& exe,
                      const std::vector<std::string>& args,
                      const std::vector<std::string>& env) {
    const fs::path log_path = dir / "probe.jsonl";
    std::vector<std::string> argv{"LD_PRELOAD=" + std::string(TG_PROBE_LIBRARY),
                                  "TG_PROBE_LOG=" + log_path.string()};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back(exe);
    argv.insert(argv.end(), args.begin(), args.end());
    probed_run run;
    run.result = test_support::run("/usr/bin/env", argv);
    run.log = test_support::read_file(log_path);
    return run;
}

test_support::run_result run_preloaded_without_log(const std::string& exe,
                                                   const std::vector<std::string>& args) {
    std::vector<std::string> argv{
        "-u", "TG_PROBE_LOG", "LD_PRELOAD=" + std::string(TG_PROBE_LIBRARY), exe};
    argv.insert(argv.end(), args.begin(), args.end());
    return test_support::run("/usr/bin/env", argv);
}

tg::probe::probe_report analyse(const std::string& log, const fs::path& source_root) {
    tg::probe::analysis_options options;
    options.source_roots = {source_root.string()};
    return tg::probe::analyse_probe_log(log, tg::probe::addr2line_symboliser{}, options);
}

std::set<int> marked_lines(const fs::path& file, const std::string& marker) {
    std::ifstream in(file);
    std::set<int> lines;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) {
            line.pop_back();
        }
        if (line.size() >= marker.size() &&
            line.compare(line.size() - marker.size(), marker.size(), marker) == 0) {
            lines.insert(n);
        }
    }
    return lines;
}

std::set<int> reported_lines(const tg::probe::probe_report& report, const std::string& file) {
    std::set<int> lines;
    for (const auto& call : report.calls) {
        if (call.where && call.where->file == file) {
            lines.insert(call.where->line);
        }
    }
    return lines;
}

std::string describe(const tg::probe::probe_report& report) {
    std::ostringstream out;
    out << "loaded=" << report.loaded << " processes=" << report.processes
        << " async=" << report.async_calls << " excused=" << report.excused
        << " unreadable=" << report.unreadable_lines << " runtimes:";
    for (const auto& r : report.runtimes_seen) {
        out << ' ' << r;
    }
    for (const auto& c : report.calls) {
        out << "\n  " << c.call << " (" << c.detail << ") " << c.runtime << " / " << c.context
            << " on " << c.thread << " x" << c.count << " at "
            << (c.where ? c.where->file + ":" + std::to_string(c.where->line) : "?");
        for (const auto& f : c.frames) {
            out << "\n      " << f;
        }
    }
    return out.str();
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
}

fs::path programs_dir() { return fs::path(TG_SOURCE_DIR) / "tests/probe/programs"; }

} // namespace probe_test
