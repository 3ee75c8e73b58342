// grader merge OUTDIR... --out DIR: the complete submission directories of several batch
// outputs (a CI matrix's shards) copied into one, then the batch summaries written over it.
// The same id twice is fine when both result.json files are identical (a shard run twice); a
// different result under the same id is a conflict: every conflict is listed and nothing is
// written (exit 2).

#include "batch.hpp"
#include "cli.hpp"
#include "common/text_file.hpp"

#include <iostream>
#include <map>
#include <unistd.h>

namespace grader::cli {

namespace fs = std::filesystem;

namespace {

struct merge_options {
    std::vector<std::string> inputs;
    std::string out;
    std::optional<double> fail_under;
};

struct merge_source {
    fs::path dir;        ///< INPUT/ID
    std::string content; ///< its result.json
};

// Every complete directory of every input, by id; conflicts and notes on the way.
std::map<std::string, merge_source> gather(const merge_options& o,
                                           std::vector<std::string>& conflicts) {
    std::map<std::string, merge_source> chosen;
    std::vector<fs::path> roots;
    for (const auto& in : o.inputs) {
        roots.emplace_back(in);
    }
    roots.emplace_back(o.out); // what DIR already holds must agree too
    for (const auto& root : roots) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(root, ec)) {
            const auto id = entry.path().filename().string();
            if (!entry.is_directory(ec) || id.empty() || id[0] == '.') {
                continue;
            }
            if (!is_complete(entry.path())) {
                std::cerr << "merge: skipping " << entry.path().string()
                          << ": incomplete (no result.json; run its batch with --resume)\n";
                continue;
            }
            const auto content = common::read_text(entry.path() / result_file_name);
            const auto [at, inserted] = chosen.try_emplace(id, merge_source{entry.path(), content});
            if (inserted || at->second.dir == entry.path()) {
                continue;
            }
            if (at->second.content == content) {
                std::cerr << "merge: duplicate " << id << " in " << at->second.dir.string()
                          << " and " << entry.path().string() << " (identical; kept once)\n";
            } else {
                conflicts.push_back(id + ": " + at->second.dir.string() + " and " +
                                    entry.path().string() + " hold different results");
            }
        }
    }
    return chosen;
}

// INPUT/ID copied to DIR/.ID.merging, then renamed to DIR/ID: all or nothing.
common::status copy_in(const merge_source& from, const fs::path& to) {
    std::error_code ec;
    if (fs::exists(to / result_file_name, ec)) {
        return common::success(); // already there, identical (gather checked)
    }
    const fs::path staging = to.parent_path() / ("." + to.filename().string() + ".merging");
    fs::remove_all(staging, ec);
    fs::remove_all(to, ec); // an incomplete directory
    fs::copy(from.dir, staging, fs::copy_options::recursive, ec);
    if (!ec) {
        fs::rename(staging, to, ec);
    }
    if (ec) {
        return common::error{common::errc::io,
                             "cannot copy " + from.dir.string() + " to " + to.string() + ": " +
                                 ec.message()};
    }
    return common::success();
}

int run_merge(const merge_options& o) {
    for (const auto& in : o.inputs) {
        std::error_code ec;
        if (!fs::is_directory(in, ec)) {
            std::cerr << "grader: " << in << ": not a directory\n";
            return usage;
        }
        if (fs::equivalent(in, o.out, ec)) {
            std::cerr << "grader: --out " << o.out << " is also an input\n";
            return usage;
        }
    }
    std::error_code ec;
    fs::create_directories(o.out, ec);
    std::vector<std::string> conflicts;
    const auto sources = gather(o, conflicts);
    if (!conflicts.empty()) {
        for (const auto& c : conflicts) {
            std::cerr << "merge: conflict: " << c << "\n";
        }
        std::cerr << "merge: " << conflicts.size() << " conflict(s); nothing written\n";
        return usage;
    }
    for (const auto& [id, from] : sources) {
        if (auto copied = copy_in(from, fs::path(o.out) / id); !copied) {
            std::cerr << "grader: " << copied.err().message << "\n";
            return internal;
        }
    }
    const auto entries = load_batch(o.out);
    if (auto written = write_batch_summaries(o.out, entries); !written) {
        std::cerr << "grader: " << written.err().message << "\n";
        return internal;
    }
    std::cout << "merge: " << entries.size() << " submissions in " << o.out << "\n";
    if (o.fail_under) {
        const auto low = below(entries, *o.fail_under);
        if (!low.empty()) {
            std::cerr << "merge: " << low.size() << " below --fail-under " << *o.fail_under << "\n";
            return below_pass_mark;
        }
    }
    return passed;
}

} // namespace

command setup_merge(CLI::App& app) {
    auto* sub = app.add_subcommand("merge", "combine batch outputs (CI shards) into one");
    auto o = std::make_shared<merge_options>();
    sub->add_option("OUTDIR", o->inputs, "batch output directories")->required();
    sub->add_option("--out", o->out, "the merged output directory")->required();
    sub->add_option("--fail-under", o->fail_under, "exit 1 if any score is below SCORE points");
    return {sub, [o] { return run_merge(*o); }};
}

} // namespace grader::cli
