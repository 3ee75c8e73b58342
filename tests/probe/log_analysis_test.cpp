// The log analysis on crafted logs: hostile input (garbage, cut, forged), symbolisation with a
// fake symboliser (where the candidate's frame is, how inline and script rules settle the
// verdict, how sites merge), addr2line's output and addr2line itself.

#include "probe/analysis.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <link.h>
#include <map>
#include <random>

using namespace tg::probe;

namespace {

// Answers from a table: address -> frames; remembers which modules it was asked about.
class fake_symboliser final : public symboliser {
  public:
    std::map<std::uint64_t, std::vector<symbol_frame>> table;
    mutable std::vector<std::string> modules_asked;

    std::vector<std::vector<symbol_frame>>
    symbolise(const std::string& module,
              const std::vector<std::uint64_t>& addresses) const override {
        modules_asked.push_back(module);
        std::vector<std::vector<symbol_frame>> out;
        for (const auto a : addresses) {
            const auto it = table.find(a);
            out.push_back(it != table.end() ? it->second : std::vector<symbol_frame>{});
        }
        return out;
    }
};

const std::string hello =
    R"({"ev":"hello","pid":42,"img":"a1","v":1,"ppid":1,"exe":"/sandbox/app"})"
    "\n";
const std::string module0 = R"({"ev":"module","pid":42,"img":"a1","id":0,"path":"/sandbox/app"})"
                            "\n";

// A tokio worker's call line: frames 0x1001 (std), 0x2001 (the candidate's code), 0x3001
// (run_task, the frame the probe's rule matched: rule_frame 2).
std::string call_line(const std::string& site = "s1", int rule_frame = 2) {
    return R"({"ev":"call","pid":42,"img":"a1","tid":43,"thread":"tokio-runtime-w",)"
           R"("call":"clock_nanosleep","detail":"sleep 30 ms","ms":30.5,"verdict":"async",)"
           R"("runtime":"tokio","context":"tokio worker task poll","rule_frame":)" +
           std::to_string(rule_frame) + R"(,"by":"frame","site":")" + site +
           R"(","n":1,"frames":"0:1001 0:2001 0:3001 1:77"})"
           "\n";
}

fake_symboliser tokio_frames() {
    fake_symboliser s;
    s.table[0x1000] = {{"std::thread::sleep", "/rustc/abc/library/std/src/thread/mod.rs", 80}};
    s.table[0x2000] = {{"fetch", "/build/src/main.rs", 7},
                       {"app::main::{{closure}}", "/build/src/main.rs", 12}};
    s.table[0x3000] = {{"tokio::runtime::scheduler::multi_thread::worker::Context::run_task",
                        "/usr/share/cargo/registry/tokio-1.24.2/src/runtime/scheduler/"
                        "multi_thread/worker.rs",
                        451}};
    return s;
}

analysis_options options_for_build() {
    analysis_options o;
    o.source_roots = {"/build/"};
    o.map_module = [](const std::string& p) -> std::optional<std::string> {
        return p == "/sandbox/app" ? std::optional<std::string>("/host/app") : std::nullopt;
    };
    return o;
}

} // namespace

TEST_CASE("a native call is placed at the candidate's innermost frame, relative to the source "
          "root",
          "[probe][analysis]") {
    const auto symbols = tokio_frames();
    const auto report =
        analyse_probe_log(hello + module0 + call_line(), symbols, options_for_build());
    CHECK(report.loaded);
    CHECK(report.processes == 1);
    CHECK(symbols.modules_asked == std::vector<std::string>{"/host/app"});
    REQUIRE(report.calls.size() == 1);
    const auto& call = report.calls[0];
    REQUIRE(call.where);
    CHECK(call.where->file == "src/main.rs");
    CHECK(call.where->line == 7);
    CHECK(call.where->function == "fetch");
    CHECK(call.runtime == "tokio");
    CHECK(call.context == "tokio worker task poll");
    CHECK(call.duration_ms == Approx(30.5));
    CHECK(call.frames.size() == 4);
    CHECK(call.frames[1] == "fetch at src/main.rs:7");
}

TEST_CASE("an inlined block_in_place inside the deciding frame excuses the call, outside it "
          "does not",
          "[probe][analysis]") {
    auto symbols = tokio_frames();
    symbols.table[0x2000].insert(
        symbols.table[0x2000].begin(),
        {"block_in_place", "/usr/share/cargo/registry/tokio-1.24.2/src/task/blocking.rs", 80});
    const auto inside =
        analyse_probe_log(hello + module0 + call_line("s1", 2), symbols, options_for_build());
    CHECK(inside.calls.empty());
    CHECK(inside.excused == 1);
    // The probe's rule matched frame 0: frame 1's inlined block_in_place is outside it.
    const auto outside =
        analyse_probe_log(hello + module0 + call_line("s1", 0), symbols, options_for_build());
    CHECK(outside.calls.size() == 1);
    CHECK(outside.excused == 0);
}

TEST_CASE("calls at one place from several sites merge with their counts", "[probe][analysis]") {
    const auto symbols = tokio_frames();
    const std::string repeat = R"({"ev":"repeat","pid":42,"img":"a1","site":"s1","n":16})"
                               "\n";
    const auto report = analyse_probe_log(hello + module0 + call_line("s1") + call_line("s1") +
                                              repeat + call_line("s2"),
                                          symbols,
                                          options_for_build());
    REQUIRE(report.calls.size() == 1);
    CHECK(report.calls[0].count == 17);
    CHECK(report.async_calls == 17);
}

TEST_CASE("without a symbolisable module the call is reported without a place",
          "[probe][analysis]") {
    const auto symbols = tokio_frames();
    analysis_options o = options_for_build();
    o.map_module = [](const std::string&) { return std::nullopt; };
    const auto report = analyse_probe_log(hello + module0 + call_line(), symbols, o);
    CHECK(symbols.modules_asked.empty());
    REQUIRE(report.calls.size() == 1);
    CHECK_FALSE(report.calls[0].where);
}

TEST_CASE("on a script stack the candidate's frame or the interpreter's import machinery decides",
          "[probe][analysis]") {
    const fake_symboliser symbols;
    auto line = [](const std::string& site, const std::string& script) {
        return R"({"ev":"call","pid":7,"img":"b2","thread":"python3","call":"stat64",)"
               R"("detail":"path=/app","verdict":"async","runtime":"python",)"
               R"("context":"python asyncio event loop","by":"loop","site":")" +
               site + R"(","script":")" + script + "\"}\n";
    };
    analysis_options o;
    o.source_roots = {"/app"};
    const auto report = analyse_probe_log(
        line("a", R"(main.py\t9\tfetch\n/usr/lib/python3.11/asyncio/events.py\t80\t_run)") +
            line("b",
                 R"(<frozen importlib._bootstrap_external>\t147\t_path_stat\n/app/main.py\t3\tm)"),
        symbols,
        o);
    REQUIRE(report.calls.size() == 1);
    CHECK(report.calls[0].where->file == "main.py");
    CHECK(report.calls[0].where->line == 9);
    CHECK(report.calls[0].where->function == "fetch");
    CHECK(report.excused == 1);
    CHECK(report.runtimes_seen == std::vector<std::string>{"python"});
}

TEST_CASE("garbage lines are counted unreadable and never throw", "[probe][analysis]") {
    const std::string log =
        "not json at all\n"
        "[1, 2, 3]\n"
        R"({"ev":"hello","pid":{"nested":1},"img":"a"})"
        "\n"
        R"({"ev":"call","pid":1,"img":"a","call":"read","site":"x","verdict":"async","runtime":"go"})"
        "\n"
        R"({"ev":"call","pid":1,"img":"a","call":"read","site":"x","verdict":"fine","runtime":"tokio"})"
        "\n"
        R"({"ev":"hello","pid":-5,"img":"a"})"
        "\n" +
        std::string(10000, '{') + "\n" + "{\"deep\":" + std::string(4000, '[') +
        std::string(4000, ']') + "}\n" + "{\"ev\":\"hello\"\n";
    probe_report report;
    REQUIRE_NOTHROW(report = analyse_probe_log(log, fake_symboliser{}));
    CHECK_FALSE(report.loaded);
    CHECK(report.unreadable_lines == 9);
    CHECK(report.calls.empty());
    CHECK_FALSE(report.truncated);
}

TEST_CASE("random bytes give a bounded report and never throw", "[probe][analysis]") {
    std::mt19937 random(12345);
    for (int round = 0; round < 20; ++round) {
        std::string noise(65536, '\0');
        for (auto& c : noise) {
            const auto r = random();
            // Mostly JSON's own characters, so that the parser goes deep before failing.
            c = r % 3 == 0 ? "{}[]\":,\n\\0123456789abcdeflnrstu"[r % 33] : static_cast<char>(r);
        }
        probe_report report;
        REQUIRE_NOTHROW(report = analyse_probe_log(noise, fake_symboliser{}));
        CHECK(report.calls.size() <= analysis_options{}.max_calls);
    }
}

TEST_CASE("a log cut mid-line keeps the lines before the cut and says truncated",
          "[probe][analysis]") {
    const std::string log = hello + module0 + call_line().substr(0, 120);
    const auto report = analyse_probe_log(log, tokio_frames(), options_for_build());
    CHECK(report.loaded);
    CHECK(report.truncated);
    CHECK(report.calls.empty());
    CHECK(report.unreadable_lines == 0);
}

TEST_CASE("a log over the line cap, or one whose probe dropped lines, is truncated",
          "[probe][analysis]") {
    analysis_options o = options_for_build();
    o.max_lines = 2;
    CHECK(analyse_probe_log(hello + module0 + call_line(), tokio_frames(), o).truncated);
    const std::string bye = R"({"ev":"bye","pid":42,"img":"a1","checked":9,"async":9,"dropped":3})"
                            "\n";
    CHECK(analyse_probe_log(hello + bye, tokio_frames(), options_for_build()).truncated);
}

TEST_CASE("addr2line's output is read per address with its inlined frames", "[probe][analysis]") {
    const std::string output = "0x0000000000001000\n"
                               "fetch\n"
                               "/build/src/main.rs:7 (discriminator 2)\n"
                               "app::main\n"
                               "/build/src/main.rs:12\n"
                               "0x0000000000002000\n"
                               "??\n"
                               "??:0\n"
                               "0x0000000000003000\n"
                               "run_task\n"
                               "??:?\n";
    const auto frames = parse_addr2line_output(output, {0x1000, 0x2000, 0x3000});
    REQUIRE(frames.size() == 3);
    REQUIRE(frames[0].size() == 2);
    CHECK(frames[0][0].function == "fetch");
    CHECK(frames[0][0].file == "/build/src/main.rs");
    CHECK(frames[0][0].line == 7);
    CHECK(frames[0][1].line == 12);
    CHECK(frames[1].empty());
    REQUIRE(frames[2].size() == 1);
    CHECK(frames[2][0].function == "run_task");
    CHECK(frames[2][0].file.empty());
}

namespace {

[[gnu::noinline]] int symbolised_here(int x) { return x * 3 + 1; }

int main_program_bias(dl_phdr_info* info, std::size_t, void* data) {
    *static_cast<std::uintptr_t*>(data) = info->dlpi_addr;
    return 1;
}

} // namespace

TEST_CASE("addr2line symbolises an address of a real executable and knows nothing of a non-ELF "
          "file",
          "[probe][analysis]") {
    std::uintptr_t bias = 0;
    dl_iterate_phdr(main_program_bias, &bias);
    const std::uint64_t address =
        reinterpret_cast<std::uintptr_t>(&symbolised_here) - bias + 4; // inside the function
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    const addr2line_symboliser symbols;
    const auto frames = symbols.symbolise(self, {address});
    REQUIRE(frames.size() == 1);
    REQUIRE_FALSE(frames[0].empty());
    CHECK(frames[0].back().function.find("symbolised_here") != std::string::npos);
    CHECK(frames[0].back().file.find("log_analysis_test.cpp") != std::string::npos);

    const auto none = symbols.symbolise(TG_SOURCE_DIR "/tests/probe/CMakeLists.txt", {0x10, 0x20});
    CHECK(none == std::vector<std::vector<symbol_frame>>(2));
    const addr2line_symboliser missing({"/nonexistent/addr2line", std::chrono::seconds(5), 10});
    CHECK(missing.symbolise(self, {address}) == std::vector<std::vector<symbol_frame>>(1));
}

// A symboliser that exits without reading a byte (here /bin/true, as addr2line does on a module
// it cannot read) must not take the grader down. When the addresses went to its standard input,
// 4096 of them (78 KB, more than a pipe holds) were written into a pipe with no reader: SIGPIPE
// killed this test process every time.
TEST_CASE("a symboliser that exits at once gives unknown frames and no SIGPIPE",
          "[probe][analysis]") {
    const addr2line_symboliser quits({"/bin/true", std::chrono::seconds(5), 4096});
    std::vector<std::uint64_t> many(4096);
    for (std::size_t i = 0; i < many.size(); ++i) {
        many[i] = 0x1000 + i * 16;
    }
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    CHECK(quits.symbolise(self, many) == std::vector<std::vector<symbol_frame>>(many.size()));
}
