// grader batch DIR... --out OUTDIR: many submissions graded in parallel, each by a `grader
// grade` child process of its own (a crash, a leak or a hang in one grading cannot take the
// batch or another grading down; each child has its own sandboxes, uid lease and work area,
// exactly as a single grading has). The parent only schedules, shows progress and writes the
// outputs from each child's result (batch.hpp): OUTDIR/ID/ gets every format, result.json
// last, so --resume trusts a directory with a result.json and redoes any other.

#include "batch.hpp"

#include "cli.hpp"
#include "common/text_file.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <optional>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace grader::cli {

namespace fs = std::filesystem;
namespace bp = boost::process::v2;

namespace {

struct batch_options {
    std::vector<std::string> dirs;
    std::string out;
    unsigned jobs = 1;
    std::string shard;
    bool resume = false;
    std::optional<double> fail_under;
    std::string rubric;
    std::vector<std::string> scenarios;
    std::string cache_dir;
    bool require_isolation = false;
    std::vector<std::string> formats = default_submission_formats();
};

/// A submission to grade and the name of its output directory.
struct batch_item {
    std::string id;
    fs::path dir;
};

bool is_submission_dir(const fs::path& dir) {
    std::error_code ec;
    for (const char* marker : {"Cargo.toml", "CMakeLists.txt", "submission.yaml"}) {
        if (fs::is_regular_file(dir / marker, ec)) {
            return true;
        }
    }
    return false;
}

// Ids are directory names: letters, digits, '-', '_' and '.', never starting with '.'.
std::string id_component(const std::string& name) {
    std::string id;
    for (const char c : name) {
        const bool plain =
            std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
        id += plain ? c : '_';
    }
    if (id.empty() || id[0] == '.') {
        id.insert(0, "_");
    }
    return id;
}

std::vector<fs::path> sorted_subdirs(const fs::path& dir) {
    std::vector<fs::path> dirs;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.is_directory(ec) && e.path().filename().string()[0] != '.') {
            dirs.push_back(e.path());
        }
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

// DIR is a submission (id: its name) or holds submissions one or two levels down (id: the
// path below DIR, '/' as '.': submissions/ gives python.asyncio-streams).
common::result<std::vector<batch_item>> discover(const std::vector<std::string>& roots) {
    std::vector<batch_item> items;
    for (const auto& root_text : roots) {
        std::error_code ec;
        const fs::path root = fs::weakly_canonical(root_text, ec);
        if (!fs::is_directory(root, ec)) {
            return common::error{common::errc::invalid_input, root_text + ": not a directory"};
        }
        if (is_submission_dir(root)) {
            items.push_back({id_component(root.filename().string()), root});
            continue;
        }
        const auto before = items.size();
        for (const auto& child : sorted_subdirs(root)) {
            const auto child_id = id_component(child.filename().string());
            if (is_submission_dir(child)) {
                items.push_back({child_id, child});
                continue;
            }
            for (const auto& grandchild : sorted_subdirs(child)) {
                if (is_submission_dir(grandchild)) {
                    items.push_back({child_id + "." + id_component(grandchild.filename().string()),
                                     grandchild});
                }
            }
        }
        if (items.size() == before) {
            return common::error{common::errc::invalid_input,
                                 root_text + ": no submission in it or one or two levels below"};
        }
    }
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    for (std::size_t i = 1; i < items.size(); ++i) {
        if (items[i].id == items[i - 1].id) {
            return common::error{common::errc::invalid_input,
                                 "two submissions have the id '" + items[i].id + "': " +
                                     items[i - 1].dir.string() + " and " + items[i].dir.string()};
        }
    }
    return items;
}

} // namespace

common::result<std::pair<unsigned, unsigned>> parse_shard(const std::string& text) {
    unsigned k = 0;
    unsigned n = 0;
    char slash = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%u%c%u%c", &k, &slash, &n, &extra) != 3 || slash != '/' ||
        n == 0 || k == 0 || k > n) {
        return common::error{common::errc::invalid_input,
                             "bad --shard '" + text +
                                 "' (expected K/N with 1 <= K <= N, e.g. 2/4)"};
    }
    return std::pair{k, n};
}

std::vector<std::size_t> shard_indices(std::size_t count, unsigned k, unsigned n) {
    // Round robin over the ids' sorted order: balanced to within one, and the same on every
    // machine given the same DIRs.
    std::vector<std::size_t> picked;
    for (std::size_t i = k - 1; i < count; i += n) {
        picked.push_back(i);
    }
    return picked;
}

namespace {

// --- stopping --------------------------------------------------------------------------------

// SIGINT/SIGTERM/SIGHUP: no new grading starts, and the running children get SIGTERM (they
// remove their sandboxes and exit 130; their directories stay incomplete for --resume).
std::atomic<bool> batch_stop{false};
constexpr std::size_t max_jobs = 64;
std::array<std::atomic<pid_t>, max_jobs> running_children{};

extern "C" void on_batch_stop(int) {
    batch_stop.store(true);
    for (auto& pid : running_children) {
        const pid_t p = pid.load();
        if (p > 0) {
            ::kill(p, SIGTERM);
        }
    }
}

void install_batch_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_batch_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (const int sig : {SIGTERM, SIGINT, SIGHUP}) {
        ::sigaction(sig, &sa, nullptr);
    }
}

// In the child between fork and exec: SIGTERM when the batch dies, even by SIGKILL, so that no
// orphaned grading writes into a directory a resumed batch is redoing.
struct die_with_batch {
    template <typename Launcher>
    bp::error_code
    on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) const {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        return {};
    }
};

// --- progress --------------------------------------------------------------------------------

class progress {
  public:
    progress(std::size_t total, std::size_t skipped)
        : total_(total), skipped_(skipped), tty_(::isatty(STDERR_FILENO) != 0),
          start_(std::chrono::steady_clock::now()) {
        std::cerr << "batch: " << total_ << " to grade" << (skipped_ ? ", " : "")
                  << (skipped_ ? std::to_string(skipped_) + " already complete (--resume)" : "")
                  << "\n";
        draw();
    }

    void finished(const std::string& id, const grade_result& r, double seconds) {
        const std::lock_guard lock(mutex_);
        ++done_;
        failures_ += r.passed ? 0 : 1;
        if (!tty_) {
            char score[64];
            std::snprintf(score, sizeof score, "%g/%g", r.score, r.max_score);
            char took[32];
            std::snprintf(took, sizeof took, "%.1f", seconds);
            std::cerr << "batch: [" << done_ << "/" << total_ << "] " << id << ": " << score << " "
                      << (r.passed ? "passed" : "not passed")
                      << (r.grading_error.empty() ? "" : " (" + r.grading_error + ")") << " in "
                      << took << " s\n";
        }
        draw();
    }

    void end() const {
        if (tty_) {
            std::cerr << "\n";
        }
    }

  private:
    void draw() const {
        if (!tty_) {
            return;
        }
        constexpr std::size_t width = 30;
        const std::size_t filled = total_ == 0 ? width : width * done_ / total_;
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        std::string eta = "--:--";
        if (done_ > 0) {
            const auto left = static_cast<long>(elapsed / static_cast<double>(done_) *
                                                static_cast<double>(total_ - done_));
            char buf[32];
            std::snprintf(buf, sizeof buf, "%ld:%02ld", left / 60, left % 60);
            eta = buf;
        }
        std::cerr << "\r\x1b[K[" << std::string(filled, '#') << std::string(width - filled, '.')
                  << "] " << done_ << "/" << total_ << "  " << failures_ << " not passed  ETA "
                  << eta << std::flush;
    }

    std::mutex mutex_;
    std::size_t total_;
    std::size_t skipped_;
    std::size_t done_ = 0;
    std::size_t failures_ = 0;
    bool tty_;
    std::chrono::steady_clock::time_point start_;
};

// --- one grading -----------------------------------------------------------------------------

std::vector<std::string> child_args(const batch_options& o, const batch_item& item) {
    std::vector<std::string> args{"grade", item.dir.string(), "--rubric", o.rubric, "--json", "-"};
    if (!o.cache_dir.empty()) {
        args.insert(args.end(), {"--cache-dir", o.cache_dir});
    }
    if (o.require_isolation) {
        args.emplace_back("--require-isolation");
    }
    for (const auto& s : o.scenarios) {
        args.insert(args.end(), {"--scenario", s});
    }
    return args;
}

// The last lines of a child's stderr, for a result that says why it has no checks.
std::string tail_of(const fs::path& log) {
    std::string text = common::read_text(log);
    if (text.size() > 600) {
        text = "..." + text.substr(text.size() - 600);
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    return text;
}

grade_result failed_grading(const batch_options& o, const batch_item& item, std::string why) {
    grade_result r;
    r.mode = "grade";
    r.submission_path = item.dir.string();
    r.submission_name = item.dir.filename().string();
    r.rubric_file = o.rubric;
    r.grading_error = std::move(why);
    total_scores(r);
    return r;
}

struct graded_item {
    std::optional<grade_result> result; ///< none: interrupted, the directory left incomplete
    int child_exit = 0;
};

// Runs `grader grade` for one submission in slot `slot` and reads its result.
graded_item grade_one(const batch_options& o, const batch_item& item, std::size_t slot) {
    const fs::path dir = fs::path(o.out) / item.id;
    std::error_code ec;
    fs::remove_all(dir, ec); // whatever an interrupted attempt left
    fs::create_directories(dir);
    const fs::path json = dir / ".grade.json";
    const fs::path log = dir / ".grade.log";
    FILE* out = std::fopen(json.c_str(), "w");
    FILE* err = std::fopen(log.c_str(), "w");
    if (out == nullptr || err == nullptr) {
        throw std::runtime_error("cannot write into " + dir.string());
    }
    boost::asio::io_context ctx;
    int status = 0;
    {
        bp::process child(ctx,
                          self_exe().string(),
                          child_args(o, item),
                          bp::process_stdio{nullptr, out, err},
                          die_with_batch{});
        std::fclose(out);
        std::fclose(err);
        running_children[slot].store(child.id());
        if (batch_stop.load()) { // a stop that came before the pid was published
            ::kill(child.id(), SIGTERM);
        }
        child.wait();
        running_children[slot].store(0);
        status = child.native_exit_code();
    }
    graded_item g;
    g.child_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (batch_stop.load() || g.child_exit == interrupted) {
        return g;
    }
    auto saved = read_saved_result(json);
    if (WIFSIGNALED(status)) {
        g.result = failed_grading(
            o, item, "the grader died of " + signal_name(WTERMSIG(status)) + ": " + tail_of(log));
    } else if (!saved) {
        g.result = failed_grading(o,
                                  item,
                                  "the grader exited " + std::to_string(g.child_exit) +
                                      " without a result: " + tail_of(log));
    } else {
        g.result = std::move(saved.value());
    }
    fs::remove(json, ec);
    fs::rename(log, dir / "grade.log", ec);
    return g;
}

// --- the batch -------------------------------------------------------------------------------

// The summaries, over every complete directory of OUTDIR (a shard's, a resumed batch's); the
// exit code from this batch's own submissions.
int finish_batch(const batch_options& o,
                 const std::vector<batch_item>& items,
                 const std::string& write_error,
                 bool isolation_refused) {
    const auto all = load_batch(o.out);
    if (const auto written = write_batch_summaries(o.out, all); !written) {
        std::cerr << "grader: " << written.err().message << "\n";
        return internal;
    }
    if (!write_error.empty()) {
        std::cerr << "grader: " << write_error << "\n";
        return internal;
    }
    if (batch_stop.load()) {
        std::cerr << "batch: interrupted; run it again with --resume to finish\n";
        return interrupted;
    }
    std::vector<batch_entry> mine;
    for (const auto& e : all) {
        if (std::any_of(items.begin(), items.end(), [&](const auto& i) { return i.id == e.id; })) {
            mine.push_back(e);
        }
    }
    const auto passed_count = static_cast<std::size_t>(
        std::count_if(mine.begin(), mine.end(), [](const auto& e) { return e.result.passed; }));
    std::cout << "batch: " << mine.size() << " graded, " << passed_count << " passed, "
              << mine.size() - passed_count << " not passed; "
              << (fs::path(o.out) / "leaderboard.html").string() << "\n";
    if (isolation_refused) {
        std::cerr << "batch: isolation required but unavailable (see each grade.log)\n";
        return isolation_unavailable;
    }
    if (o.fail_under) {
        const auto low = below(mine, *o.fail_under);
        if (!low.empty()) {
            std::cerr << "batch: " << low.size() << " below --fail-under " << *o.fail_under << ":";
            for (const auto& id : low) {
                std::cerr << " " << id;
            }
            std::cerr << "\n";
            return below_pass_mark;
        }
    }
    return passed;
}

int run_batch(batch_options o) {
    if (o.jobs == 0 || o.jobs > max_jobs) {
        std::cerr << "grader: -j must be between 1 and " << max_jobs << "\n";
        return usage;
    }
    auto items = discover(o.dirs);
    if (!items) {
        std::cerr << "grader: " << items.err().message << "\n";
        return usage;
    }
    if (!o.shard.empty()) {
        auto shard = parse_shard(o.shard);
        if (!shard) {
            std::cerr << "grader: " << shard.err().message << "\n";
            return usage;
        }
        std::vector<batch_item> mine;
        for (const auto i :
             shard_indices(items.value().size(), shard.value().first, shard.value().second)) {
            mine.push_back(items.value()[i]);
        }
        items = std::move(mine);
    }
    std::error_code ec;
    fs::create_directories(o.out, ec);
    if (!fs::is_directory(o.out, ec)) {
        std::cerr << "grader: cannot create " << o.out << "\n";
        return internal;
    }
    std::vector<batch_item> todo;
    std::size_t skipped = 0;
    for (const auto& item : items.value()) {
        if (o.resume && is_complete(fs::path(o.out) / item.id)) {
            ++skipped;
        } else {
            todo.push_back(item);
        }
    }
    install_batch_stop_handlers();
    progress shown(todo.size(), skipped);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> isolation_refused{false};
    std::mutex write_error_mutex;
    std::string write_error;
    auto worker = [&](std::size_t slot) {
        for (std::size_t i = next++; i < todo.size() && !batch_stop.load(); i = next++) {
            const auto started = std::chrono::steady_clock::now();
            graded_item g;
            common::status written = common::success();
            try {
                g = grade_one(o, todo[i], slot);
                if (!g.result) {
                    continue;
                }
                written =
                    write_submission_outputs(fs::path(o.out) / todo[i].id, *g.result, o.formats);
            } catch (const std::exception& e) {
                // The batch's own trouble (cannot start a child, cannot write): said at the
                // end (exit 3); the directory stays incomplete for --resume.
                written = common::error{common::errc::internal, todo[i].id + ": " + e.what()};
            }
            if (!written) {
                const std::lock_guard lock(write_error_mutex);
                write_error = written.err().message;
                continue;
            }
            isolation_refused = isolation_refused || g.child_exit == isolation_unavailable;
            shown.finished(
                todo[i].id,
                *g.result,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        }
    };
    std::vector<std::thread> workers;
    for (std::size_t slot = 0; slot < std::min<std::size_t>(o.jobs, todo.size()); ++slot) {
        workers.emplace_back(worker, slot);
    }
    for (auto& t : workers) {
        t.join();
    }
    shown.end();
    return finish_batch(o, items.value(), write_error, isolation_refused.load());
}

} // namespace

command setup_batch(CLI::App& app) {
    auto* sub = app.add_subcommand(
        "batch", "grade many submissions in parallel into OUTDIR (one directory each)");
    auto o = std::make_shared<batch_options>();
    o->rubric = default_rubric();
    sub->add_option("DIR", o->dirs, "a submission, or a directory of submissions (1-2 levels)")
        ->required();
    sub->add_option("--out", o->out, "output directory")->required();
    sub->add_option("-j,--jobs", o->jobs, "gradings at once")->capture_default_str();
    sub->add_option("--shard", o->shard, "K/N: grade only the K-th of N shares (CI matrix)");
    sub->add_flag("--resume", o->resume, "skip submissions whose result.json is already there");
    sub->add_option("--fail-under", o->fail_under, "exit 1 if any score is below SCORE points");
    sub->add_option("--rubric", o->rubric, "rubric YAML")->capture_default_str();
    sub->add_option("--scenario", o->scenarios, "run only these scenarios (repeatable)");
    sub->add_option("--cache-dir", o->cache_dir, "warm dependency cache");
    std::vector<std::string> names;
    for (const auto& out : submission_outputs()) {
        names.emplace_back(out.format);
    }
    sub->add_option("--format",
                    o->formats,
                    "per-submission formats besides result.json (repeatable; default: html junit "
                    "gradescope sarif markdown)")
        ->check(CLI::IsMember(names));
    sub->add_flag("--require-isolation",
                  o->require_isolation,
                  "each grading refuses to run (exit 4) unless every sandbox measure is available");
    return {sub, [o] { return run_batch(*o); }};
}

} // namespace grader::cli
