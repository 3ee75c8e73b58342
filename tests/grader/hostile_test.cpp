// The hostile corpus (submissions/hostile/, one case per directory) graded through the real
// binary: each case gets what its expected.yaml states, ends within its deadline, and leaves
// no process of its uids, no cgroup, no work directory and no file on the host behind. The
// bombs run only after a harmless program proved that the limits holding them bind.

#include "hostile_support.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <yaml-cpp/yaml.h>

using test_support::check_of;
using test_support::spawned;
using test_support::temp_dir;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const fs::path corpus = fs::path(test_support::source_dir) / "submissions" / "hostile";
const char* const capsh = "/usr/sbin/capsh";

/// One grading through the real binary and what it left.
struct hostile_grade {
    nlohmann::json result; ///< null when no JSON was written
    int exit_code = -2;    ///< -1: killed by a signal
    std::string report;    ///< the terminal report (-o FILE: no colour)
    std::string err;
    double seconds = 0;
    pid_t grader = 0;
    double ended_boot = 0; ///< when it exited, in seconds since boot

    const nlohmann::json& scenario() const { return result["scenarios"][0]; }
    std::string stdout_text() const {
        const auto& s = scenario();
        return s.contains("outcome") ? s["outcome"].value("stdout", "") : "";
    }
};

/// Options of one grading.
struct grade_options {
    std::vector<std::string> wrapper;              ///< e.g. capsh --drop=...: runs the grader
    std::vector<std::string> extra;                ///< more grader arguments
    double deadline_s = -1;                        ///< overrides the case's deadline when >= 0
    std::string grader = test_support::grader_exe; ///< the binary graded with
};

/// A case copied to a scratch directory (sub/) with a TMPDIR of its own (tmp/) for the
/// grader, so that what a grading leaves there can be seen.
class workspace {
  public:
    explicit workspace(const std::string& name) : name_(name) {
        fs::copy(corpus / name, sub(), fs::copy_options::recursive);
        fs::create_directories(tmp());
        expected_ = YAML::LoadFile((corpus / name / "expected.yaml").string());
    }

    fs::path sub() const { return dir_.path() / "sub"; }
    fs::path tmp() const { return dir_.path() / "tmp"; }
    const fs::path& path() const { return dir_.path(); }
    const YAML::Node& expected() const { return expected_; }
    double deadline_s() const { return expected_["rubric"]["deadline_s"].as<double>(10); }
    int build_timeout_s() const { return expected_["rubric"]["build_timeout_s"].as<int>(10); }

    /// Writes a file into the submission (port.txt, targets.txt).
    void add(const std::string& name, const std::string& text) const {
        std::ofstream(sub() / name) << text;
    }

    /// Starts `grader grade` on the case (TMPDIR=tmp/, in a process group of its own).
    std::unique_ptr<spawned> start(const grade_options& o = {}) const {
        const auto rubric = dir_.write("rubric.yaml", rubric_text(o));
        std::vector<std::string> argv = o.wrapper;
        for (const std::string& a : {o.grader,
                                     std::string("grade"),
                                     sub().string(),
                                     std::string("--rubric"),
                                     rubric.string(),
                                     std::string("--json"),
                                     json_file().string(),
                                     std::string("-o"),
                                     report_file().string()}) {
            argv.push_back(a);
        }
        argv.insert(argv.end(), o.extra.begin(), o.extra.end());
        for (const auto& arg : expected_["grader_args"]) {
            argv.push_back(arg.as<std::string>());
        }
        fs::remove(json_file());
        fs::remove(report_file());
        return std::make_unique<spawned>(
            argv,
            std::map<std::string, std::string>{{"TMPDIR", tmp().string()}},
            dir_.path() / "grader.out",
            dir_.path() / "grader.err",
            true);
    }

    /// Waits for a started grading (generously: the run itself is bounded by the checks) and
    /// reads what it wrote.
    hostile_grade finish(spawned& grader, const grade_options& o = {}) const {
        const double deadline = o.deadline_s >= 0 ? o.deadline_s : deadline_s();
        const auto code =
            grader.wait_for(std::chrono::duration<double>(deadline + build_timeout_s() + 60));
        REQUIRE(code.has_value());
        hostile_grade g;
        g.exit_code = *code;
        g.report = spawned::read_file(report_file());
        g.err = grader.err() + grader.out();
        g.seconds = grader.seconds();
        g.grader = grader.pid();
        g.ended_boot = grader.ended_boot();
        if (std::ifstream in(json_file()); in) {
            g.result = nlohmann::json::parse(in);
        }
        return g;
    }

    hostile_grade grade(const grade_options& o = {}) const {
        const auto grader = start(o);
        return finish(*grader, o);
    }

  private:
    fs::path json_file() const { return dir_.path() / "result.json"; }
    fs::path report_file() const { return dir_.path() / "report.txt"; }

    std::string rubric_text(const grade_options& o) const {
        const auto& r = expected_["rubric"];
        std::string limits;
        for (const auto& l : r["limits"]) {
            limits += (limits.empty() ? "" : ", ") + l.first.as<std::string>() + ": " +
                      l.second.as<std::string>();
        }
        const std::string deadline =
            o.deadline_s >= 0 ? std::to_string(o.deadline_s) : r["deadline_s"].as<std::string>();
        return "schema: 1\nname: hostile-" + name_ + "\nversion: \"1\"\n" +
               "profiles: {other: {build_timeout_s: " + std::to_string(build_timeout_s()) + "}}\n" +
               (limits.empty() ? "" : "limits: {" + limits + "}\n") +
               "scenarios:\n  - name: one\n    deadline_s: " + deadline +
               "\n    inline: {name: one, jobs: {count: 2}}\n" +
               "checks:\n  - {id: build, category: build}\n"
               "  - {id: crash, category: crash, scenarios: all}\n"
               "  - {id: timeout, category: timeout, scenarios: all, threshold: {max_wall_s: " +
               deadline + "}}\n";
    }

    std::string name_;
    temp_dir dir_;
    YAML::Node expected_;
};

std::string home_path(const std::string& path) {
    const char* home = std::getenv("HOME");
    return path.rfind("~/", 0) == 0 ? std::string(home ? home : "/root") + path.substr(1) : path;
}

// What expected.yaml states about the verdict, the outcome and the candidate's stdout.
void expect_verdict(const workspace& ws, const hostile_grade& g) {
    const auto& want = ws.expected();
    INFO("grader exit " << g.exit_code << "; stderr: " << g.err);
    REQUIRE(g.result.is_object());
    INFO("scenario: " << g.scenario().dump().substr(0, 4000));
    INFO("isolation: " << g.result["isolation"]);
    CHECK(g.result["passed"] == want["passed"].as<bool>());
    CHECK(g.exit_code == (want["passed"].as<bool>() ? 0 : 1));
    std::map<std::string, bool> category_ok;
    for (const auto& c : g.result["checks"]) {
        const std::string category = c["category"];
        category_ok.try_emplace(category, true);
        category_ok[category] = category_ok[category] && c["passed"] == true;
    }
    for (const auto& entry : want["categories"]) {
        INFO("category " << entry.first.as<std::string>());
        CHECK(category_ok[entry.first.as<std::string>()] ==
              (entry.second.as<std::string>() == "pass"));
    }
    const auto& outcome = g.scenario()["outcome"];
    for (const auto& entry : want["outcome"]) {
        const auto key = entry.first.as<std::string>();
        INFO("outcome." << key << " = " << outcome[key]);
        if (key == "limit" || key == "signal") {
            CHECK(outcome[key] == entry.second.as<std::string>());
        } else if (key == "timed_out") {
            CHECK(outcome[key] == entry.second.as<bool>());
        } else if (key == "exit_code") {
            CHECK(outcome[key] == entry.second.as<int>());
        } else if (key == "forks_refused") {
            CHECK(outcome[key].get<int>() > 0);
        }
    }
    for (const auto& f : want["findings"]) {
        const auto check = check_of(g.result, f["check"].as<std::string>());
        INFO("finding " << f["id"].as<std::string>() << " in " << check.dump());
        bool found = false;
        for (const auto& got : check["findings"]) {
            found = found || (got["id"] == f["id"].as<std::string>() &&
                              (!f["file"] || got["file"] == f["file"].as<std::string>()) &&
                              (!f["line"] || got["line"] == f["line"].as<int>()));
        }
        CHECK(found);
    }
    if (want["build"]) {
        CHECK(g.result["build"]["ok"] == want["build"]["ok"].as<bool>());
        CHECK(g.result["build"]["summary"] == want["build"]["summary"].as<std::string>());
    }
    const std::string out = g.stdout_text();
    for (const auto& s : want["stdout_has"]) {
        INFO("stdout has: " << s.as<std::string>());
        CHECK(out.find(s.as<std::string>()) != std::string::npos);
    }
    for (const auto& s : want["stdout_lacks"]) {
        INFO("stdout lacks: " << s.as<std::string>());
        CHECK(out.find(s.as<std::string>()) == std::string::npos);
    }
}

// The build and the run ended within their deadlines (+2 s), the grading soon after.
void expect_within_deadline(const workspace& ws, const hostile_grade& g) {
    CHECK(g.result["build"]["seconds"].get<double>() <= ws.build_timeout_s() + 2);
    if (g.scenario()["ran"] == true) {
        CHECK(g.scenario()["outcome"]["wall_s"].get<double>() <= ws.deadline_s() + 2);
    }
    CHECK(g.seconds <= ws.deadline_s() + ws.build_timeout_s() + 20);
}

// Nothing of the grading is left: no process of its uids (started before the grader exited:
// a later one is another grading's, which leased the uids after us), no cgroup, nothing in
// its TMPDIR, none of `host_absent`.
void expect_nothing_left(const workspace& ws,
                         const hostile_grade& g,
                         const std::vector<std::string>& host_absent = {}) {
    const auto uids = test_support::run_uids(g.result);
    CHECK(uids.size() == 2);
    for (const auto& p : test_support::left_by(uids, g.ended_boot)) {
        FAIL_CHECK("left running: pid " << p.pid << " uid " << p.uid << ": " << p.cmdline);
    }
    CHECK(test_support::cgroups_of(g.grader).empty());
    CHECK(test_support::entries_of(ws.tmp()).empty());
    std::vector<std::string> absent = host_absent;
    for (const auto& p : ws.expected()["host_absent"]) {
        absent.push_back(home_path(p.as<std::string>()));
    }
    for (const auto& path : absent) {
        INFO("written on the host: " << path);
        CHECK_FALSE(fs::exists(path));
    }
}

/// Grades a case with every check: verdict, deadline, nothing left.
hostile_grade grade_case(const workspace& ws,
                         const std::vector<std::string>& host_absent = {},
                         const grade_options& o = {}) {
    for (const auto& p : ws.expected()["host_absent"]) {
        std::error_code ec;
        fs::remove(home_path(p.as<std::string>()), ec); // from an earlier, failed run
    }
    const auto g = ws.grade(o);
    expect_verdict(ws, g);
    expect_within_deadline(ws, g);
    expect_nothing_left(ws, g, host_absent);
    return g;
}

/// A submission of our own, graded with these rubric limits (run by `wrapper`, e.g. capsh):
/// for the proofs.
hostile_grade grade_program(const std::string& program,
                            const std::string& limits,
                            const std::vector<std::string>& wrapper) {
    temp_dir dir;
    dir.write("sub/submission.yaml", "language: python\nrun: python3 program.py\n");
    dir.write("sub/program.py", program);
    const auto rubric =
        dir.write("rubric.yaml",
                  "schema: 1\nname: proof\nversion: \"1\"\nlimits: {" + limits +
                      "}\nscenarios:\n  - name: one\n    deadline_s: 10\n"
                      "    inline: {name: one, jobs: {count: 1}}\n"
                      "checks:\n  - {id: crash, category: crash, scenarios: all}\n");
    std::vector<std::string> argv = wrapper;
    const auto json = dir.path() / "result.json";
    for (const auto& a : {test_support::grader_exe,
                          std::string("grade"),
                          (dir.path() / "sub").string(),
                          std::string("--rubric"),
                          rubric.string(),
                          std::string("--json"),
                          json.string()}) {
        argv.push_back(a);
    }
    spawned grader(argv, {}, dir.path() / "out", dir.path() / "err", true);
    const auto code = grader.wait_for(60s);
    REQUIRE(code.has_value());
    hostile_grade h;
    h.exit_code = *code;
    h.err = grader.err();
    if (std::ifstream in(json); in) {
        h.result = nlohmann::json::parse(in);
    }
    return h;
}

// A harmless program: 100 children that sleep a second. With pids.max 32 some forks must be
// refused, and the cgroup must count them.
bool pids_limit_binds(const std::vector<std::string>& wrapper = {}) {
    const auto g = grade_program("import os, time\n"
                                 "kids = 0\n"
                                 "for _ in range(100):\n"
                                 "    try:\n"
                                 "        if os.fork() == 0:\n"
                                 "            time.sleep(1)\n"
                                 "            os._exit(0)\n"
                                 "        kids += 1\n"
                                 "    except OSError:\n"
                                 "        pass\n"
                                 "print(kids)\n",
                                 "pids: 32",
                                 wrapper);
    INFO(g.err);
    REQUIRE(g.result.is_object());
    const auto& out = g.scenario()["outcome"];
    INFO("outcome " << out.dump());
    const int kids = std::stoi(out["stdout"].get<std::string>());
    CHECK(out["forks_refused"].get<int>() > 0);
    CHECK(kids < 32);
    return out["forks_refused"].get<int>() > 0 && kids < 32;
}

// A harmless program: one 300 MB allocation, touched, under a 128 MB limit: OOM-killed.
bool memory_limit_binds(const std::vector<std::string>& wrapper = {}) {
    const auto g =
        grade_program("block = b'x' * (300 << 20)\nprint(len(block))\n", "memory_mb: 128", wrapper);
    INFO(g.err);
    REQUIRE(g.result.is_object());
    const auto& out = g.scenario()["outcome"];
    INFO("outcome " << out.dump());
    CHECK(out["limit"] == "memory");
    CHECK(out["oom_kills"].get<int>() > 0);
    return out["limit"] == "memory";
}

/// A listening TCP socket on the host's 127.0.0.1 that never accepts.
class host_listener {
  public:
    host_listener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd_, 16) == 0);
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
        port_ = ntohs(a.sin_port);
    }
    ~host_listener() { ::close(fd_); }
    host_listener(const host_listener&) = delete;
    host_listener& operator=(const host_listener&) = delete;

    int port() const { return port_; }
    /// A connection is waiting to be accepted.
    bool was_reached() const {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c >= 0) {
            ::close(c);
        }
        return c >= 0;
    }

  private:
    int fd_ = -1;
    int port_ = 0;
};

} // namespace

TEST_CASE("the pids and memory limits bind on harmless programs", "[grader][hostile][e2e]") {
    CHECK(pids_limit_binds());
    CHECK(memory_limit_binds());
}

TEST_CASE("a fork bomb is held at the pids limit and killed at its deadline",
          "[grader][hostile][e2e]") {
    REQUIRE(pids_limit_binds());
    const workspace ws("fork-bomb");
    grade_case(ws);
}

TEST_CASE("a memory bomb is OOM-killed at the memory limit", "[grader][hostile][e2e]") {
    REQUIRE(memory_limit_binds());
    const workspace ws("memory-bomb");
    const auto g = grade_case(ws);
    CHECK(g.scenario()["outcome"]["memory_peak_kb"].get<long>() <= 256 * 1024 + 1024);
}

TEST_CASE("gigabytes on stdout are cut at the cap and killed past the kill mark",
          "[grader][hostile][e2e]") {
    const workspace ws("stdout-flood");
    const auto g = grade_case(ws);
    const auto& out = g.scenario()["outcome"];
    CHECK(out["stdout"].get<std::string>().size() == 64 * 1024);
    CHECK(out["stdout_truncated_bytes"].get<std::uint64_t>() >= 256ull << 20);
    CHECK(out["stdout_truncated_bytes"].get<std::uint64_t>() < 8ull << 30);
}

TEST_CASE("a CPU spin is ended by its CPU limit", "[grader][hostile][e2e]") {
    const workspace ws("cpu-spin");
    grade_case(ws);
}

TEST_CASE("a program that never ends is killed at its deadline", "[grader][hostile][e2e]") {
    const workspace ws("sleep-forever");
    grade_case(ws);
}

TEST_CASE("a program that ignores SIGTERM is killed at its deadline", "[grader][hostile][e2e]") {
    const workspace ws("ignores-sigterm");
    grade_case(ws);
}

TEST_CASE("double-forked setsid daemons do not outlive their run", "[grader][hostile][e2e]") {
    const workspace ws("setsid-daemon");
    grade_case(ws);
}

TEST_CASE("the host's loopback is out of reach and the run's own mock is not",
          "[grader][hostile][e2e]") {
    const host_listener host;
    const workspace ws("host-loopback");
    ws.add("port.txt", std::to_string(host.port()));
    const auto g = grade_case(ws);
    CHECK(g.stdout_text().find("127.0.0.1:" + std::to_string(host.port()) + " refused") !=
          std::string::npos);
    CHECK_FALSE(host.was_reached());
}

TEST_CASE("hidden scenarios and the run's spec and journal and oracle cannot be read",
          "[grader][hostile][e2e]") {
    const workspace ws("read-secrets");
    const auto hidden =
        fs::path(test_support::source_dir) / "rubrics/jobs-fanout/scenarios/odd-casing.yaml";
    REQUIRE(fs::exists(hidden));
    ws.add("targets.txt",
           hidden.string() + "\n" + (ws.path() / "rubric.yaml").string() + "\n" +
               (ws.path() / "result.json").string() + "\n" + test_support::source_dir +
               "/rubrics/jobs-fanout.yaml\n");
    const auto g = grade_case(ws);
    CHECK(g.stdout_text().find("refused " + hidden.string()) != std::string::npos);
}

TEST_CASE("writes outside the working copy never reach the host", "[grader][hostile][e2e]") {
    const workspace ws("write-outside");
    const std::vector<std::string> host = {
        (ws.path() / "written-by-the-candidate").string(),
        home_path("~/.cache/takehome-grader/tg-hostile-" + std::to_string(::getpid())),
        (corpus / "write-outside" / "written-by-the-candidate").string(),
        test_support::source_dir + "/rubrics/written-by-the-candidate",
    };
    std::string targets;
    for (const auto& h : host) {
        targets += h + "\n";
    }
    ws.add("targets.txt", targets);
    grade_case(ws, host);
}

TEST_CASE("the candidate has no capabilities and no_new_privs and a seccomp filter that binds",
          "[grader][hostile][e2e]") {
    const workspace ws("escape-syscalls");
    const auto g = grade_case(ws);
    const std::string out = g.stdout_text();
    const auto uid_at = out.find("Uid:\t");
    REQUIRE(uid_at != std::string::npos);
    CHECK(std::stoi(out.substr(uid_at + 5)) != 0);
    CHECK(g.result["isolation"].get<std::string>().find("seccomp") != std::string::npos);
    CHECK(g.result["isolation_detail"]["unavailable"].empty());
    CHECK(g.report.find("not in force") == std::string::npos);
    // With every measure in force, --require-isolation grades (its trial run leaves nothing).
    const auto strict = ws.grade({{}, {"--require-isolation"}, -1});
    CHECK(strict.exit_code == 0);
    CHECK(test_support::entries_of(ws.tmp()).empty());
}

TEST_CASE("markup and terminal control sequences from the candidate are neutralised",
          "[grader][hostile][e2e]") {
    const workspace ws("terminal-escapes");
    const auto g = grade_case(ws);
    // In the report, every candidate byte below 0x20 but the newline shows escaped, and so do
    // DEL and the C1 controls (U+0080-U+009F): none reaches the reviewer's terminal.
    const std::string& report = g.report;
    INFO("report:\n" << report);
    std::size_t shown_raw = std::string::npos; // the first control character shown as is
    for (std::size_t i = 0; i < report.size() && shown_raw == std::string::npos; ++i) {
        const auto c = static_cast<unsigned char>(report[i]);
        const auto next = i + 1 < report.size() ? static_cast<unsigned char>(report[i + 1]) : 0;
        const bool c1 = c == 0xc2 && next >= 0x80 && next <= 0x9f;
        if ((c < 0x20 && c != '\n') || c == 0x7f || c1) {
            shown_raw = i;
        }
    }
    CHECK(shown_raw == std::string::npos);
    CHECK(report.find("\\e[2J") != std::string::npos);
    CHECK(report.find("\\e]0;pwned\\a") != std::string::npos);
    // Markup is text: the JSON carries it as it was written, and the HTML report escapes it
    // (the page in a browser: tests/browser/check_report.js).
    CHECK(g.stdout_text().find("<script>alert(1)</script></svg>") != std::string::npos);
    temp_dir saved;
    const auto result_file = saved.write("result.json", g.result.dump());
    const auto html = test_support::run(test_support::grader_exe,
                                        {"report", result_file.string(), "--format", "html"});
    REQUIRE(html.exit_code == 0);
    CHECK(html.out.find("<script") == std::string::npos);
    CHECK(html.out.find("<svg onload") == std::string::npos);
    CHECK(html.out.find('\x1b') == std::string::npos);
    CHECK(html.out.find(
              "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;&lt;svg onload=alert(2)&gt;") !=
          std::string::npos);
}

TEST_CASE("huge arguments and environments and file names are refused or survived",
          "[grader][hostile][e2e]") {
    const workspace ws("huge-names");
    const auto g = grade_case(ws);
    CHECK(g.scenario()["outcome"]["stdout_truncated_bytes"].get<std::uint64_t>() > 0);
}

TEST_CASE("a candidate that signals everything it can kills only itself",
          "[grader][hostile][e2e]") {
    const workspace ws("kill-everything");
    const auto g = grade_case(ws);
    CHECK(g.scenario()["ran"] == true); // the mock was out of its reach
    CHECK(g.scenario()["fanout"]["listed"] == 2);
}

TEST_CASE("a run cannot fill the host's disk through its evidence directory",
          "[grader][hostile][e2e]") {
    const workspace ws("disk-fill");
    const auto g = grade_case(ws);
    // The evidence directory holds one file-size limit (64 MB) in all, and only that much
    // reached the host.
    std::uint64_t kept = 0;
    for (const auto& f : g.scenario()["evidence_files"]) {
        kept += f["bytes"].get<std::uint64_t>();
    }
    CHECK(kept <= 64ull << 20);
    CHECK(g.stdout_text().find("/evidence: 64 MiB, then No space left on device") !=
          std::string::npos);
}

TEST_CASE("a hostile build step is confined like a run", "[grader][hostile][e2e]") {
    const host_listener listener;
    const workspace ws("build-escape");
    const auto hidden =
        fs::path(test_support::source_dir) / "rubrics/jobs-fanout/scenarios/odd-casing.yaml";
    std::vector<std::string> host = {(ws.path() / "written-at-build-time").string()};
    // The project tree, unless it lies under /tmp: the build has a /tmp of its own, where
    // `mkdir -p` + write of that path succeeds on its private tmpfs and reaches nothing (a
    // checkout in /tmp once made this case report ALLOWED for a write the host never saw).
    if (std::string(test_support::source_dir).rfind("/tmp/", 0) != 0) {
        host.push_back(test_support::source_dir + "/rubrics/written-at-build-time");
    } else {
        WARN("the project tree is under /tmp: its write target is left out");
    }
    std::string targets = "read " + hidden.string() + "\nread " +
                          (ws.path() / "rubric.yaml").string() + "\nport " +
                          std::to_string(listener.port()) + "\n";
    for (const auto& path : host) {
        targets += "write " + path + "\n";
    }
    ws.add("targets.txt", targets);
    grade_case(ws, host);
    CHECK_FALSE(listener.was_reached());
}

TEST_CASE("a build that fills its disk budget fails, says so, and leaves the host as it was",
          "[grader][hostile][e2e]") {
    const workspace ws("build-disk-fill");
    const auto g = grade_case(ws);
    CHECK(g.result["isolation"].get<std::string>().find("build budget") != std::string::npos);
    CHECK(g.scenario()["ran"] == false);
}

TEST_CASE("a build that never ends is killed at its build deadline with all it started",
          "[grader][hostile][e2e]") {
    REQUIRE(pids_limit_binds());
    const workspace ws("build-bomb");
    const auto g = grade_case(ws);
    CHECK(g.scenario()["ran"] == false);
}

namespace {

/// The grader's descendants (supervisor, runner, mock, candidate) as they are now.
std::vector<test_support::proc_entry> descendants_of(pid_t grader) {
    std::vector<test_support::proc_entry> found;
    for (const auto& p : test_support::all_processes()) {
        if (test_support::descends_from(p.pid, grader)) {
            found.push_back(p);
        }
    }
    return found;
}

/// Still running: the same pid, started at the same time.
bool still_running(const test_support::proc_entry& p) {
    const auto now = test_support::read_proc(p.pid);
    return now && now->started_boot == p.started_boot;
}

/// Starts the sleep-forever case with a long deadline; returns once its candidate runs.
struct sleeping_grade {
    std::unique_ptr<spawned> grader;
    test_support::proc_entry candidate;
    std::vector<test_support::proc_entry> processes; ///< the grader's descendants, then
};

sleeping_grade start_sleeping(const workspace& ws) {
    sleeping_grade s;
    s.grader = ws.start({{}, {}, 120});
    const pid_t grader = s.grader->pid();
    const bool running = test_support::eventually(30s, [&] {
        for (const auto& p : test_support::all_processes()) {
            if (p.cmdline.rfind("sleep infinity", 0) == 0 &&
                test_support::descends_from(p.pid, grader)) {
                s.candidate = p;
                return true;
            }
        }
        return false;
    });
    INFO(s.grader->err());
    REQUIRE(running);
    s.processes = descendants_of(grader);
    return s;
}

void expect_all_gone(const sleeping_grade& s) {
    for (const auto& p : s.processes) {
        INFO("pid " << p.pid << " uid " << p.uid << ": " << p.cmdline);
        CHECK(test_support::eventually(5s, [&] { return !still_running(p); }));
    }
    CHECK(test_support::left_by({s.candidate.uid, s.candidate.uid + 1}, s.grader->ended_boot())
              .empty());
}

/// capsh running the grader with `drop` removed from its bounding set (and so from root's
/// capabilities).
std::vector<std::string> without(const std::string& drop) {
    return {capsh, "--drop=" + drop, "--", "-c", "exec \"$0\" \"$@\""};
}

} // namespace

TEST_CASE("Ctrl-C on the grader stops its run and exits 130 and leaves nothing behind",
          "[grader][hostile][e2e]") {
    const workspace ws("sleep-forever");
    const auto s = start_sleeping(ws);
    CHECK(s.candidate.uid >= 61000);
    ::kill(-s.grader->pid(), SIGINT); // what a terminal sends to its foreground group
    const auto code = s.grader->wait_for(10s);
    INFO(s.grader->err());
    REQUIRE(code.has_value());
    CHECK(*code == 130);
    CHECK(s.grader->seconds() < 30);
    expect_all_gone(s);
    CHECK(test_support::cgroups_of(s.grader->pid()).empty());
    CHECK(test_support::entries_of(ws.tmp()).empty());
}

TEST_CASE("a grader killed with SIGKILL leaves no run behind and the next one sweeps its files",
          "[grader][hostile][e2e]") {
    const workspace ws("sleep-forever");
    const auto s = start_sleeping(ws);
    ::kill(s.grader->pid(), SIGKILL); // the grader alone: its supervisors learn by PDEATHSIG
    REQUIRE(s.grader->wait_for(5s).has_value());
    expect_all_gone(s);
    CHECK(test_support::eventually(
        5s, [&] { return test_support::cgroups_of(s.grader->pid()).empty(); }));
    CHECK_FALSE(test_support::entries_of(ws.tmp()).empty()); // its work directory: no one left
    const auto next = ws.grade({{}, {}, 1});
    CHECK(next.result.is_object());
    CHECK(test_support::entries_of(ws.tmp()).empty());
}

TEST_CASE("without CAP_SYS_ADMIN the result and the report name the missing measures",
          "[grader][hostile][e2e]") {
    REQUIRE(fs::exists(capsh));
    const workspace ws("escape-syscalls");
    const auto g = ws.grade({without("cap_sys_admin"), {}, -1});
    INFO(g.err);
    REQUIRE(g.result.is_object());
    const auto& unavailable = g.result["isolation_detail"]["unavailable"];
    INFO("isolation: " << g.result["isolation"] << "\nunavailable: " << unavailable.dump(2)
                       << "\nreport:\n"
                       << g.report << "\ncandidate:\n"
                       << g.stdout_text());
    CHECK(unavailable.size() > 0);
    CHECK(unavailable.dump().find("CAP_SYS_ADMIN") != std::string::npos); // and why
    for (const auto& missing : unavailable) {
        CHECK(g.report.find(missing.get<std::string>()) != std::string::npos);
    }
    // Whatever is missing, a candidate running as root must not reach the kernel's settings.
    CHECK(g.stdout_text().find("ALLOWED write /proc") == std::string::npos);
    CHECK(test_support::cgroups_of(g.grader).empty());
    CHECK(test_support::entries_of(ws.tmp()).empty());

    // The cgroups do not need the capabilities that are gone: a command running as root,
    // which RLIMIT_NPROC does not hold, is still held by them.
    CHECK(g.result["isolation"].get<std::string>().find("; cgroups") != std::string::npos);
    CHECK(pids_limit_binds(without("cap_sys_admin")));
    CHECK(memory_limit_binds(without("cap_sys_admin")));

    const auto refused = ws.grade({without("cap_sys_admin"), {"--require-isolation"}, -1});
    CHECK(refused.exit_code == 4);
    CHECK(refused.err.find("grader: isolation required but unavailable") != std::string::npos);
    CHECK(test_support::entries_of(ws.tmp()).empty());
}

TEST_CASE("without CAP_SETUID and CAP_SETGID the runs say they have no uid of their own",
          "[grader][hostile][e2e]") {
    REQUIRE(fs::exists(capsh));
    const workspace ws("escape-syscalls");
    const auto g = ws.grade({without("cap_setuid,cap_setgid"), {}, -1});
    INFO(g.err);
    REQUIRE(g.result.is_object());
    const auto& unavailable = g.result["isolation_detail"]["unavailable"];
    INFO("isolation: " << g.result["isolation"] << "\nunavailable: " << unavailable.dump(2)
                       << "\nreport:\n"
                       << g.report << "\ncandidate:\n"
                       << g.stdout_text());
    CHECK(unavailable.size() > 0);
    CHECK(unavailable.dump().find("CAP_SETUID/CAP_SETGID") != std::string::npos); // and why
    CHECK(g.result["isolation"].get<std::string>().find("no own uid") != std::string::npos);
    for (const auto& missing : unavailable) {
        CHECK(g.report.find(missing.get<std::string>()) != std::string::npos);
    }
    CHECK(g.stdout_text().find("ALLOWED write /proc") == std::string::npos);
    CHECK(g.stdout_text().find("Seccomp:\t2") != std::string::npos);
    CHECK(test_support::cgroups_of(g.grader).empty());
    CHECK(test_support::entries_of(ws.tmp()).empty());

    // The cgroups do not need the capabilities that are gone: a command running as root,
    // which RLIMIT_NPROC does not hold, is still held by them.
    CHECK(g.result["isolation"].get<std::string>().find("; cgroups") != std::string::npos);
    CHECK(pids_limit_binds(without("cap_setuid,cap_setgid")));
    CHECK(memory_limit_binds(without("cap_setuid,cap_setgid")));

    const auto refused = ws.grade({without("cap_setuid,cap_setgid"), {"--require-isolation"}, -1});
    CHECK(refused.exit_code == 4);
    CHECK(refused.err.find("grader: isolation required but unavailable") != std::string::npos);
}

TEST_CASE("a grader installed where only root may enter still starts its mock",
          "[grader][hostile][e2e]") {
    // A build tree or install under /root (mode 0700): the mock's uid cannot walk the path of
    // its own executable. Hard links (copies across file systems) in a mkdtemp directory.
    const temp_dir install;
    REQUIRE((fs::status(install.path()).permissions() & fs::perms::others_exec) == fs::perms::none);
    const fs::path built = test_support::grader_exe;
    for (const auto& [from, to] :
         {std::pair{built, install.path() / "grader"},
          std::pair{built.parent_path() / "../mock_api/mock_api", install.path() / "mock_api"}}) {
        std::error_code ec;
        fs::create_hard_link(from, to, ec);
        if (ec) {
            fs::copy_file(from, to);
        }
    }
    const workspace ws("setsid-daemon");
    grade_options o;
    o.grader = (install.path() / "grader").string();
    const auto g = ws.grade(o);
    INFO(g.err);
    REQUIRE(g.result.is_object());
    INFO(g.scenario().dump());
    CHECK(g.scenario()["ran"] == true);
    CHECK(g.result["passed"] == true);
}
