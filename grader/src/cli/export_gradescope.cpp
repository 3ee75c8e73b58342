// grader export-gradescope RUBRIC -o DIR: an autograder bundle for Gradescope's manual Docker
// configuration (a Debian bookworm image: Gradescope's Ubuntu images have a Boost older than
// Boost.Process v2 needs). DIR gets setup.sh (run once when the image is built: installs the
// grader from a takehome-grader .deb put beside it, unless a grader is already on PATH),
// run_autograder (grades /autograder/submission with the bundled rubric into
// /autograder/results/results.json) and rubric/ (the rubric, its scenarios and prompt, with
// their relative layout). Zip DIR's contents to upload it.

#include "cli.hpp"
#include "common/text_file.hpp"
#include "grader/rubric.hpp"

#include <iostream>
#include <sys/stat.h>

namespace grader::cli {

namespace fs = std::filesystem;

namespace {

struct export_gradescope_options {
    std::string rubric;
    std::string out_dir;
};

constexpr const char* setup_sh = R"sh(#!/usr/bin/env bash
# Gradescope runs this once while building the autograder image (Debian bookworm, as root).
# It installs the grader: the takehome-grader .deb beside this file (cpack in a build tree),
# unless a grader is already on PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if command -v grader >/dev/null 2>&1; then
    echo "setup: using $(command -v grader)"
    exit 0
fi
shopt -s nullglob
debs=("$here"/takehome-grader*.deb)
if [ ${#debs[@]} -eq 0 ]; then
    echo "setup: put a takehome-grader .deb next to setup.sh (or install a grader on PATH)" >&2
    exit 1
fi
apt-get update
apt-get install -y "${debs[0]}"
)sh";

constexpr const char* run_autograder_head = R"sh(#!/usr/bin/env bash
# Gradescope runs this for every submission: the candidate's files are in
# $AUTOGRADER_ROOT/submission, the results go to $AUTOGRADER_ROOT/results/results.json.
# AUTOGRADER_ROOT defaults to /autograder (set it to try the bundle on a fake tree);
# GRADER to the grader binary (default: grader on PATH); GRADE_ARGS adds arguments.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${AUTOGRADER_ROOT:-/autograder}"
grader="${GRADER:-grader}"
results="$root/results/results.json"
mkdir -p "$root/results"
)sh";

constexpr const char* run_autograder_tail = R"sh(
# shellcheck disable=SC2086 # GRADE_ARGS is a list of words
"$grader" grade "$root/submission" --rubric "$rubric" --format gradescope -o "$results" \
    ${GRADE_ARGS:-}
code=$?
# 0 and 1 are verdicts, and a grading that could not finish still writes its result; only a
# grader that wrote nothing leaves Gradescope without a results.json: say so in one.
if [ ! -s "$results" ]; then
    printf '{"score": 0, "output": "the grader failed (exit %d); see the autograder log", "tests": []}\n' \
        "$code" >"$results"
fi
exit 0
)sh";

common::status copy_into(const fs::path& from, const fs::path& base, const fs::path& to_dir) {
    const auto rel = fs::relative(from, base);
    if (rel.empty() || *rel.begin() == "..") {
        return common::error{common::errc::invalid_input,
                             from.string() + ": outside the rubric's directory; cannot bundle it"};
    }
    std::error_code ec;
    fs::create_directories((to_dir / rel).parent_path(), ec);
    fs::copy_file(from, to_dir / rel, fs::copy_options::overwrite_existing, ec);
    if (ec) {
        return common::error{common::errc::io,
                             "cannot copy " + from.string() + ": " + ec.message()};
    }
    return common::success();
}

common::status write_executable(const fs::path& file, const std::string& text) {
    if (auto written = common::write_text_atomic(file, text); !written) {
        return written;
    }
    ::chmod(file.c_str(), 0755);
    return common::success();
}

int run_export_gradescope(const export_gradescope_options& o) {
    auto rb = load_rubric(o.rubric);
    if (!rb) {
        std::cerr << "grader: " << rb.err().message << "\n";
        return usage;
    }
    const fs::path out(o.out_dir);
    const fs::path base = fs::canonical(rb.value().file).parent_path();
    std::vector<fs::path> files{fs::canonical(rb.value().file)};
    if (!rb.value().prompt.empty()) {
        files.push_back(fs::canonical(rb.value().prompt));
    }
    for (const auto& s : rb.value().scenarios) {
        if (!s.file.empty()) {
            files.push_back(fs::canonical(s.file));
        }
    }
    std::error_code ec;
    fs::create_directories(out / "rubric", ec);
    for (const auto& f : files) {
        if (auto copied = copy_into(f, base, out / "rubric"); !copied) {
            std::cerr << "grader: " << copied.err().message << "\n";
            return copied.err().code == common::errc::invalid_input ? usage : internal;
        }
    }
    const std::string rubric_line =
        "rubric=\"$here/rubric/" + fs::canonical(rb.value().file).filename().string() + "\"\n";
    for (const auto& [file, text] :
         {std::pair{out / "setup.sh", std::string(setup_sh)},
          std::pair{out / "run_autograder",
                    std::string(run_autograder_head) + rubric_line + run_autograder_tail}}) {
        if (auto written = write_executable(file, text); !written) {
            std::cerr << "grader: " << written.err().message << "\n";
            return internal;
        }
    }
    std::cout << "exported a Gradescope autograder for " << rb.value().name << " to " << o.out_dir
              << " (setup.sh, run_autograder, rubric/)\n";
    return passed;
}

} // namespace

command setup_export_gradescope(CLI::App& app) {
    auto* sub = app.add_subcommand(
        "export-gradescope", "write a Gradescope autograder bundle (setup.sh, run_autograder)");
    auto o = std::make_shared<export_gradescope_options>();
    sub->add_option("RUBRIC", o->rubric, "rubric YAML")->required();
    sub->add_option("-o,--output", o->out_dir, "output directory")->required();
    return {sub, [o] { return run_export_gradescope(*o); }};
}

} // namespace grader::cli
