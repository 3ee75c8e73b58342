// The compiler-error explainer and the findings that teach. [cargo]: small failing programs
// (tests/data/explain) built offline with the real cargo, their rustc JSON fed through the
// explainer; `grader check` on flawed corpus samples prints a finding a candidate can act on.

#include "build/builders.hpp"
#include "grader/checks/advice.hpp"
#include "grader/diagnostics/cargo.hpp"
#include "grader/diagnostics/explain.hpp"
#include "grader/model/result_json.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

namespace fs = std::filesystem;
using grader::explanation;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Every program of tests/data/explain built offline with the grader's own cargo configuration;
// the explanation of each file's first explained finding, by file.
std::map<std::string, explanation> explained_programs() {
    test_support::temp_dir dir;
    fs::copy(
        fs::path(TG_SOURCE_DIR) / "tests/data/explain", dir.path(), fs::copy_options::recursive);
    const auto cargo = grader::build::find_tool("cargo");
    REQUIRE(!cargo.empty());
    // A target directory that outlives the test: tokio is checked once per build tree.
    auto cmd = grader::build::cargo_command(cargo,
                                            {"--bins",
                                             "--keep-going",
                                             "--manifest-path",
                                             (dir.path() / "Cargo.toml").string(),
                                             "--target-dir",
                                             std::string(TG_BINARY_DIR) + "/explain-cargo-target"},
                                            "check");
    const auto exe = cmd.front();
    cmd.erase(cmd.begin());
    const auto built = test_support::run(exe, cmd);
    INFO(built.err.substr(0, 4000));
    REQUIRE(built.exit_code != 0); // every program fails on purpose
    const auto messages = grader::parse_cargo_messages(built.out, fs::canonical(dir.path()));
    std::map<std::string, explanation> by_file;
    for (const auto& f : messages.findings) {
        if (f.explained && !by_file.count(f.file)) {
            by_file[f.file] = *f.explained;
        }
    }
    return by_file;
}

} // namespace

TEST_CASE("real rustc diagnostics are explained with the candidate's variable, type and line",
          "[grader][explain][cargo]") {
    const auto all = explained_programs();
    const auto of = [&](const std::string& program) {
        const auto it = all.find("src/bin/" + program + ".rs");
        INFO(program);
        REQUIRE(it != all.end());
        return it->second;
    };
    SECTION("E0373: a closure borrowing a local, fixed with move") {
        const auto e = of("e0373");
        CHECK(e.code == "E0373");
        CHECK(has(e.text, "`client_name`"));
        CHECK(has(e.text, "line 4"));
        CHECK(e.fix_line == 4);
        CHECK(e.before == "    let handle = std::thread::spawn(|| {");
        CHECK(e.after == "    let handle = std::thread::spawn(move || {");
    }
    SECTION("E0597: a borrow moved into tokio::spawn, fixed with an owned clone") {
        const auto e = of("e0597");
        CHECK(e.code == "E0597");
        CHECK(has(e.text, "`job_ids` (declared at line 4) is borrowed at line 5"));
        CHECK(has(e.text, "'static because line 6 hands it"));
        CHECK(e.after == "    let ids = job_ids.clone();");
    }
    SECTION("E0521: a borrowed parameter escaping into a task") {
        const auto e = of("e0521");
        CHECK(e.code == "E0521");
        CHECK(has(e.text, "`base_url` (`&str`)"));
        CHECK(has(e.text, "at line 3 it escapes into something that requires 'static"));
        CHECK(e.after == "    let base_url = base_url.to_owned();\n"
                         "    let task = tokio::spawn(async move {");
    }
    SECTION("a std MutexGuard held across an .await") {
        const auto e = of("guard_across_await");
        CHECK(e.code == "future-not-send");
        CHECK(has(e.text, "`guard` (`std::sync::MutexGuard<'_, Vec<i32>>`, line 9)"));
        CHECK(has(e.text, "`.await` on line 10"));
        CHECK(e.fix_line == 9);
        CHECK(has(e.after, "let mut guard = shared.lock().await;"));
    }
    SECTION("an Rc held across an .await") {
        const auto e = of("rc_across_await");
        CHECK(e.code == "future-not-send");
        CHECK(has(e.text, "`counter` (`Rc<i32>`, line 7)"));
        CHECK(has(e.after, "let counter = Arc::new(0);"));
    }
    SECTION("E0277: an Rc captured by tokio::spawn, fixed at its declaration") {
        const auto e = of("e0277_spawn");
        CHECK(e.code == "E0277");
        CHECK(has(e.text, "line 7 captures `seen`, of type `Rc<i32>`"));
        CHECK(e.fix_line == 6);
        CHECK(e.before == "    let seen = Rc::new(5);");
        CHECK(has(e.after, "let seen = Arc::new(5);"));
    }
    SECTION("E0752: async main without a runtime") {
        const auto e = of("e0752");
        CHECK(e.code == "E0752");
        CHECK(has(e.text, "line 2"));
        CHECK(e.after == "#[tokio::main]\nasync fn main() {");
    }
    SECTION("unused_must_use: a future never awaited") {
        const auto e = of("unused_future");
        CHECK(e.code == "unused_must_use");
        CHECK(has(e.text, "`fetch_detail(7)` at line 8"));
        CHECK(e.after == "    fetch_detail(7).await;");
    }
    SECTION("E0728: .await in a function that is not async") {
        const auto e = of("e0728");
        CHECK(e.code == "E0728");
        CHECK(has(e.text, "line 7 is inside `report` (line 6)"));
        CHECK(e.fix_line == 6);
        CHECK(e.after == "async fn report() -> usize {");
    }
}

TEST_CASE("captured rustc 1.95 JSON is explained without a compiler", "[grader][explain]") {
    // tests/data/explain/rustc-1.95.jsonl: the compiler messages of the [cargo] test's programs
    // as rustc 1.95 wrote them (for runs without cargo, such as the sanitizer pass).
    std::ifstream in(fs::path(TG_SOURCE_DIR) / "tests/data/explain/rustc-1.95.jsonl");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(!text.empty());
    const auto messages =
        grader::parse_cargo_messages(text, fs::path(TG_SOURCE_DIR) / "tests/data/explain");
    std::map<std::string, std::string> codes;
    for (const auto& f : messages.findings) {
        if (f.explained) {
            codes[f.file] = f.explained->code;
        }
        if (f.file == "src/bin/e0277_spawn.rs") {
            REQUIRE(f.explained);
            // The declaration the diagnostic does not quote, read from the source.
            CHECK(f.explained->fix_line == 6);
            CHECK(f.explained->before == "    let seen = Rc::new(5);");
        }
    }
    CHECK(codes ==
          std::map<std::string, std::string>{{"src/bin/e0277_spawn.rs", "E0277"},
                                             {"src/bin/e0373.rs", "E0373"},
                                             {"src/bin/e0521.rs", "E0521"},
                                             {"src/bin/e0597.rs", "E0597"},
                                             {"src/bin/e0728.rs", "E0728"},
                                             {"src/bin/e0752.rs", "E0752"},
                                             {"src/bin/guard_across_await.rs", "future-not-send"},
                                             {"src/bin/rc_across_await.rs", "future-not-send"},
                                             {"src/bin/unused_future.rs", "unused_must_use"}});
}

TEST_CASE("the explainer's table has every required code, each entry complete",
          "[grader][explain]") {
    for (const char* code : {"E0373",
                             "E0597",
                             "E0521",
                             "future-not-send",
                             "E0752",
                             "E0277",
                             "unused_must_use",
                             "E0728",
                             "cpp-task-not-awaited",
                             "cpp-coroutine-reference-parameter",
                             "cpp-lambda-coroutine-capture"}) {
        INFO(code);
        const auto* e = grader::find_explainer(code);
        REQUIRE(e != nullptr);
        CHECK(!e->title.empty());
        CHECK(!e->meaning.empty());
        CHECK(!e->fix.empty());
        CHECK(!e->example_before.empty());
        CHECK(e->example_before != e->example_after);
    }
    CHECK(grader::find_explainer("e0373") != nullptr);
    CHECK(grader::find_explainer("E373") == nullptr);
}

TEST_CASE("a discarded rt::task warning from GCC is explained with co_await on its line",
          "[grader][explain]") {
    grader::finding f;
    f.id = "compile-warning";
    f.line = 12;
    f.message = "ignoring returned value of type \xe2\x80\x98rt::task<int>\xe2\x80\x99, declared "
                "with attribute \xe2\x80\x98nodiscard\xe2\x80\x99 [-Wunused-result]";
    const auto e = grader::explain_cxx(f, "    fetch_detail(client, 7);");
    REQUIRE(e);
    CHECK(e->code == "cpp-task-not-awaited");
    CHECK(has(e->text, "line 12 returns `rt::task<int>`"));
    CHECK(e->after == "    co_await fetch_detail(client, 7);");
    f.message = "ignoring returned value of type 'std::error_code', declared with attribute "
                "'nodiscard' [-Wunused-result]";
    CHECK_FALSE(grader::explain_cxx(f, "    f();"));
}

TEST_CASE("Clang's nodiscard warning is explained only when the callee returns a task",
          "[grader][explain]") {
    grader::finding f;
    f.id = "compile-warning";
    f.line = 9;
    f.message = "ignoring return value of function declared with 'nodiscard' attribute "
                "[-Wunused-result]";
    const std::string file = "#include \"runtime/all.hpp\"\n"
                             "rt::task<job> fetch_detail(client& c, int id);\n"
                             "[[nodiscard]] int checksum(int x);\n";
    const auto e = grader::explain_cxx(f, "    fetch_detail(c, 7);", file);
    REQUIRE(e);
    CHECK(has(e->text, "line 9 returns `rt::task<job>`"));
    CHECK(e->after == "    co_await fetch_detail(c, 7);");
    // A [[nodiscard]] function of the candidate's own that returns no task: nothing claimed.
    CHECK_FALSE(grader::explain_cxx(f, "    checksum(3);", file));
    CHECK_FALSE(grader::explain_cxx(f, "    fetch_detail(c, 7);"));
}

TEST_CASE("an explanation survives the result JSON", "[grader][explain]") {
    grader::finding f;
    f.id = "build-error";
    f.explained = explanation{"E0373", "t", "text", 4, "before", "after\nmore"};
    const auto back = grader::finding_from_json(grader::to_json(f));
    REQUIRE(back.explained);
    CHECK(back.explained->code == "E0373");
    CHECK(back.explained->fix_line == 4);
    CHECK(back.explained->after == "after\nmore");
    CHECK_FALSE(grader::finding_from_json(grader::to_json(grader::finding{})).explained);
}

TEST_CASE("a sequential fan-out's advice gives the figure, the loop's line and the language's fix",
          "[grader][explain][advice]") {
    grader::grade_result r;
    r.build.language = "node";
    grader::check_result c;
    c.id = "concurrency/happy";
    c.what = grader::category::concurrency;
    c.evidence = {{"detail_requests", 12},
                  {"window_ms", 1810.0},
                  {"peak_in_flight", 1},
                  {"ideal_full_ms", 150.0}};
    c.findings.push_back({"not-concurrent", grader::severity::error, "", 0, 0, "never", ""});
    r.checks = {c, c};
    r.checks[1].passed = true;
    r.statics.findings.push_back(
        {"js-await-in-for-loop", grader::severity::warning, "report.js", 43, 5, "await", ""});
    grader::add_advice(r);
    const auto& a = r.checks[0].advice;
    CHECK(has(a,
              "12 detail requests took 1.81 s; they never overlapped (peak in flight 1); "
              "overlapping they would take about 0.15 s."));
    CHECK(has(a, "In your code: report.js:43 (an await inside a loop)."));
    CHECK(has(a, "Promise.all"));
    CHECK(r.checks[1].advice.empty());
    r.build.language = "rust";
    grader::add_advice(r);
    CHECK(has(r.checks[0].advice, "join_all"));
    CHECK_FALSE(has(r.checks[0].advice, "Promise.all"));
}

TEST_CASE("every failure a check can report has advice for every language", "[grader][advice]") {
    for (const char* id : {"not-concurrent",
                           "blocking-call",
                           "blocking-call-static",
                           "deadline-exceeded",
                           "wrong-exit-code",
                           "failed-id-missing",
                           "output-difference",
                           "missing-request"}) {
        for (const char* lang : {"rust", "cpp", "node", "python"}) {
            INFO(id << " " << lang);
            CHECK(!grader::advice_fix(id, lang).empty());
        }
    }
    CHECK(grader::advice_fix("blocking-call", "python").find("asyncio.sleep") !=
          std::string_view::npos);
    CHECK(grader::advice_language("javascript") == "node");
}

TEST_CASE("grader explain prints an entry and lists the codes", "[grader][explain][e2e]") {
    const auto one = test_support::run(GRADER_EXE, {"explain", "E0373"});
    CHECK(one.exit_code == 0);
    CHECK(has(one.out, "E0373 (rust): closure may outlive"));
    CHECK(has(one.out, "async move"));
    const auto list = test_support::run(GRADER_EXE, {"explain"});
    CHECK(list.exit_code == 0);
    CHECK(has(list.out, "future-not-send (rust)"));
    CHECK(has(list.out, "cpp-task-not-awaited (cpp)"));
    const auto unknown = test_support::run(GRADER_EXE, {"explain", "E9999"});
    CHECK(unknown.exit_code == 2);
    CHECK(has(unknown.err, "no explanation for 'E9999'"));
}

namespace {

// `grader check` on a corpus sample: its terminal report.
std::string check_output(const std::string& sample) {
    const auto r = test_support::run(
        GRADER_EXE, {"check", std::string(TG_SOURCE_DIR) + "/submissions/" + sample});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    return r.out;
}

} // namespace

TEST_CASE("grader check teaches on a blocking Python sample", "[grader][explain][e2e]") {
    const auto out = check_output("python/time-sleep-in-async");
    INFO(out);
    CHECK(has(out, "what to do: 1 blocking call(s) inside async code; the first: "));
    CHECK(has(out, "ms. In your code: report.py:24."));
    CHECK(has(out, "await asyncio.sleep(..) instead of time.sleep"));
}

TEST_CASE("grader check teaches on a sequential Node sample", "[grader][explain][e2e]") {
    const auto out = check_output("node/await-each-in-loop");
    INFO(out);
    CHECK(has(out, "they never overlapped (peak in flight 1); overlapping they would take about"));
    CHECK(has(out, "In your code: report.js:43 (an await inside a loop)."));
    // wide-fanout also misses requests at its deadline: the advice still names the cause.
    CHECK_FALSE(has(out, "what to do: 154 listed job(s) never requested"));
    CHECK(has(out, "Promise.all"));
}

TEST_CASE("grader check teaches on a blocking Rust sample", "[grader][explain][cargo]") {
    const auto out = check_output("rust/thread-sleep-in-async");
    INFO(out);
    CHECK(has(out, "In your code: src/main.rs:64."));
    CHECK(has(out, "tokio::time::sleep(..).await instead of std::thread::sleep"));
}
