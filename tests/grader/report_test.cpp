// The renderers on results built here: escaping of candidate text (HTML, Markdown, GitHub
// workflow commands, XML), what a candidate's report leaves out, Gradescope's shape. The
// real-binary and real-browser tests are tests/grader/report_cli_test.cpp and
// tests/browser/check_report.js.

#include "grader/report/escape.hpp"
#include "grader/report/github.hpp"
#include "grader/report/gradescope.hpp"
#include "grader/report/html.hpp"
#include "grader/report/junit.hpp"
#include "grader/report/markdown.hpp"
#include "grader/report/renderer.hpp"
#include "grader/report/sarif.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

const std::string evil = "<script>window.__pwned=1</script></svg><svg onload=x>\"><img src=x "
                         "onerror='y'>&amp;\x1b[2J\n::error::forged|col|\r%0A";

// A result with a visible scenario that ran and failed its crash check on hostile text, and a
// hidden one; every string a candidate controls carries `evil`.
grader::grade_result hostile_result() {
    grader::grade_result r;
    r.mode = "grade";
    r.submission_name = "sub" + evil;
    r.submission_path = "/tmp/" + evil;
    r.isolation = "netns+pidns (root)";
    grader::scenario_result happy;
    happy.name = "happy";
    happy.ran = true;
    happy.outcome.stdout_text = evil;
    happy.outcome.stderr_text = evil;
    happy.fanout.timed_details = 2;
    happy.fanout.peak_in_flight = 2;
    happy.fanout.ideal_at_peak_ms = 100;
    happy.fanout.window_start_ms = 20;
    happy.fanout.classification = "full";
    happy.fanout.requests = {{"list", std::nullopt, 1, 0, 20, 200, "none", "answered"},
                             {"detail", 1, 1, 20, 120, 200, "none", "answered"},
                             {"detail", 2, 1, 21, 121, 500, "error_500", "answered"}};
    grader::scenario_result secret = happy;
    secret.name = "secret-scenario";
    secret.vis = grader::visibility::hidden;
    r.scenarios = {happy, secret};
    grader::check_result crash;
    crash.id = "crash/happy";
    crash.check = "crash";
    crash.what = grader::category::crash;
    crash.scenario = "happy";
    crash.max_points = 4;
    crash.gate = true;
    crash.summary = evil;
    grader::finding f{
        "python-exception", grader::severity::error, "src/" + evil + ".py", 3, 5, evil, ""};
    f.excerpt = grader::source_excerpt{2, {"a = 1", "raise X  # " + evil, "b = 2"}};
    crash.findings.push_back(f);
    grader::check_result hidden_check = crash;
    hidden_check.id = "crash/secret-scenario";
    hidden_check.scenario = "secret-scenario";
    hidden_check.passed = true;
    hidden_check.points = 4;
    r.checks = {crash, hidden_check};
    grader::total_scores(r);
    return r;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

} // namespace

TEST_CASE("printable escapes controls, bidi overrides and bad UTF-8, keeping lines if asked",
          "[grader][report]") {
    CHECK(grader::printable("a\x1b[2J\nb\tc") == "a\\e[2J\\nb\\tc");
    CHECK(grader::printable("a\x1b\nb\tc", true) == "a\\e\nb\tc");
    CHECK(grader::printable("\xe2\x80\xae"
                            "x\xff") == "\\u{202e}x\\xff");
    CHECK(grader::printable("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(grader::markup_escaped("<a href=\"x\" b='y'>&") ==
          "&lt;a href=&quot;x&quot; b=&#39;y&#39;&gt;&amp;");
}

TEST_CASE("the HTML report shows the candidate's markup as text", "[grader][report]") {
    const auto html = grader::render_html(hostile_result());
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<svg onload") == std::string::npos);
    CHECK(html.find("onerror='y'") == std::string::npos);
    CHECK(html.find("\x1b") == std::string::npos);
    CHECK(html.find("&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;/svg&gt;") !=
          std::string::npos);
    // Our own SVG closes as often as it opens: the candidate's </svg> is text.
    std::size_t opened = 0;
    std::size_t closed = 0;
    for (auto at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
        ++opened;
    }
    for (auto at = html.find("</svg>"); at != std::string::npos; at = html.find("</svg>", at + 1)) {
        ++closed;
    }
    CHECK(opened == 2);
    CHECK(closed == 2);
    CHECK(html.find("<tr class=\"hit\"><td class=\"ln\">3 &#9654;</td>") != std::string::npos);
    CHECK(html.find("class=\"req fault\"") != std::string::npos);
    CHECK(html.find("<rect class=\"ideal\"") != std::string::npos);
    CHECK(html.find("peak 2 in flight") != std::string::npos);
}

TEST_CASE("a candidate's HTML report counts the hidden scenarios and names none",
          "[grader][report]") {
    auto r = hostile_result();
    CHECK(grader::render_html(r).find("secret-scenario") != std::string::npos);
    r.mode = "check";
    r.hidden_scenarios_not_run = 2;
    const auto html = grader::render_html(r);
    CHECK(html.find("secret-scenario") == std::string::npos);
    CHECK(html.find("3 hidden scenarios will be run in the full grading") != std::string::npos);
}

TEST_CASE("GitHub annotations escape the workflow-command characters, one line each",
          "[grader][report]") {
    CHECK(grader::github_escaped("50% done\r\nnext", false) == "50%25 done%0D%0Anext");
    CHECK(grader::github_escaped("a:b,c%", true) == "a%3Ab%2Cc%25");
    const auto lines = lines_of(grader::render_github(hostile_result()));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind("::error file=src/<script>", 0) == 0);
    CHECK(lines[0].find(",line=3,col=5,title=crash/happy%3A python-exception::") !=
          std::string::npos);
    CHECK(lines[0].find("%0A::error::forged|col|%0D%250A") != std::string::npos);
    CHECK(lines[0].find('\x1b') == std::string::npos);
    CHECK(lines[1].rfind("::notice title=grade%3A sub", 0) == 0);
}

TEST_CASE("the Markdown summary keeps candidate text inside its table cell", "[grader][report]") {
    const auto md = grader::render_markdown(hostile_result());
    CHECK(md.find("<script") == std::string::npos);
    CHECK(md.find("<img") == std::string::npos);
    const auto lines = lines_of(md);
    const auto row = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
        return l.find("crash/happy") != std::string::npos && l.rfind("| ", 0) == 0;
    });
    REQUIRE(row != lines.end());
    // Five unescaped pipes: the row's own four cells, nothing from the candidate.
    std::size_t pipes = 0;
    for (std::size_t i = 0; i < row->size(); ++i) {
        pipes += (*row)[i] == '|' && (i == 0 || (*row)[i - 1] != '\\') ? 1U : 0U;
    }
    CHECK(pipes == 5);
}

TEST_CASE("Gradescope's results.json has the documented shape", "[grader][report]") {
    const auto doc = nlohmann::json::parse(grader::render_gradescope(hostile_result()));
    CHECK(doc["score"].is_number());
    CHECK(doc["execution_time"].is_number());
    CHECK(doc["output"].is_string());
    REQUIRE(doc["tests"].size() == 2);
    for (const auto& t : doc["tests"]) {
        CHECK(t["score"].is_number());
        CHECK(t["max_score"].is_number());
        CHECK((t["status"] == "passed" || t["status"] == "failed"));
        CHECK(t["name"].is_string());
        CHECK(t["number"].is_string());
        CHECK(t["output"].is_string());
        CHECK(t["tags"].is_array());
    }
    CHECK(doc["tests"][0]["visibility"] == "visible");
    CHECK(doc["tests"][0]["status"] == "failed");
    CHECK(doc["tests"][1]["visibility"] == "hidden");
    CHECK(doc["tests"][1]["number"] == "2");
    REQUIRE(doc["leaderboard"].is_array());
    for (const auto& e : doc["leaderboard"]) {
        CHECK(e["name"].is_string());
        CHECK(e["value"].is_number());
        CHECK((e["order"] == "asc" || e["order"] == "desc"));
    }
}

TEST_CASE("JUnit XML escapes candidate text in attributes and failure bodies", "[grader][report]") {
    const auto xml = grader::render_junit(hostile_result());
    CHECK(xml.find("<script") == std::string::npos);
    CHECK(xml.find('\x1b') == std::string::npos);
    CHECK(xml.find('\r') == std::string::npos);
    CHECK(xml.find("<testsuite name=\"sub&lt;script&gt;") != std::string::npos);
    CHECK(xml.find("tests=\"2\" failures=\"1\" errors=\"0\"") != std::string::npos);
}

TEST_CASE("every documented format has a renderer", "[grader][report]") {
    for (const char* format :
         {"terminal", "json", "html", "junit", "gradescope", "sarif", "markdown", "github"}) {
        INFO(format);
        CHECK(grader::find_renderer(format) != nullptr);
    }
}

TEST_CASE("SARIF results carry the compiler error explained and the failed check's advice",
          "[grader][report]") {
    auto r = hostile_result();
    r.checks.front().advice = "Catch the exception per job; in your code: src/x.py:3.";
    grader::explanation e;
    e.code = "E0373";
    e.title = "closure may outlive the current function";
    e.text = "The task spawned at line 3 borrows `client`.";
    e.fix_line = 3;
    e.before = "tokio::spawn(async { client.get(u) });";
    e.after = "tokio::spawn(async move { client.get(u) });";
    r.checks.front().findings.front().explained = e;
    const auto doc = nlohmann::json::parse(grader::render_sarif(r));
    const auto& results = doc["runs"][0]["results"];
    REQUIRE(!results.empty());
    const std::string text = results[0]["message"]["text"];
    CHECK(text.find("E0373: closure may outlive the current function") != std::string::npos);
    CHECK(text.find("after: tokio::spawn(async move { client.get(u) });") != std::string::npos);
    CHECK(text.find("What to do: Catch the exception per job") != std::string::npos);
}
