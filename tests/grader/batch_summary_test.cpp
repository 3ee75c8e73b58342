// The batch summaries (grader/report/batch_summary.hpp) on results built in the test: CSV
// quoting and formula guarding, the leaderboard's escaping, links, pass rates and the
// script hash its Content-Security-Policy names.

#include "grader/report/batch_summary.hpp"
#include "grader/report/renderer.hpp"
#include "grader/sha256.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace grader;

namespace {

check_result check(category what, bool passed, double points, double max_points) {
    check_result c;
    c.id = to_string(what);
    c.what = what;
    c.passed = passed;
    c.points = points;
    c.max_points = max_points;
    return c;
}

grade_result result(std::string name, double concurrency_points, bool blocking_passed) {
    grade_result r;
    r.mode = "grade";
    r.submission_name = std::move(name);
    r.build.language = "python";
    r.rubric_name = "jobs-fanout";
    r.pass_mark = 0.7;
    r.checks = {check(category::build, true, 10, 10),
                check(category::concurrency, concurrency_points == 20, concurrency_points, 20),
                check(category::blocking, blocking_passed, blocking_passed ? 15 : 0, 15)};
    total_scores(r);
    return r;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    for (auto end = text.find("\r\n"); end != std::string::npos; end = text.find("\r\n", at)) {
        out.push_back(text.substr(at, end - at));
        at = end + 2;
    }
    CHECK(at == text.size()); // every line ends in CRLF
    return out;
}

std::string base64(const std::string& bytes) {
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        unsigned v = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16U;
        v |= i + 1 < bytes.size()
                 ? static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8
                 : 0;
        v |= i + 2 < bytes.size() ? static_cast<unsigned char>(bytes[i + 2]) : 0U;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? alphabet[(v >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? alphabet[v & 63] : '=';
    }
    return out;
}

std::string from_hex(const std::string& hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return bytes;
}

} // namespace

TEST_CASE("CSV fields are quoted per RFC 4180 and never start a formula", "[grader][csv]") {
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
    CHECK(csv_field("+1") == "'+1");
    CHECK(csv_field("-2+3") == "'-2+3");
    CHECK(csv_field("@SUM(A1)") == "'@SUM(A1)");
    CHECK(csv_field("\tx") == "'\tx");
    CHECK(csv_field("a=b") == "a=b");
    CHECK(csv_field("\x1b[31mred") == "\\e[31mred");
}

TEST_CASE("the batch CSV has a row per submission and a column per category", "[grader][csv]") {
    const std::vector<batch_entry> entries = {
        {"python.good", result("good", 20, true)},
        {"python.evil", result("=cmd|' /C calc'!A0", 4, false)}};
    const auto rows = lines(render_batch_csv(entries));
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == "id,name,language,score,total,passed,error,build,concurrency,blocking");
    CHECK(rows[1] == "python.good,good,python,45,45,true,,10,20,15");
    CHECK(rows[2] == "python.evil,'=cmd|' /C calc'!A0,python,14,45,false,,10,4,0");
}

TEST_CASE("csv is a single-result format too", "[grader][csv]") {
    const renderer* csv = find_renderer("csv");
    REQUIRE(csv != nullptr);
    const auto rows = lines(csv->render(result("solo", 20, false), {}));
    REQUIRE(rows.size() == 2);
    CHECK(rows[1] == "solo,solo,python,30,45,false,,10,20,0");
}

TEST_CASE("the leaderboard escapes candidate text and runs only its own hashed script",
          "[grader][leaderboard]") {
    auto evil = result("<script>alert(1)</script>", 4, false);
    evil.grading_error = "\"><img src=x onerror=alert(2)>";
    evil.build.language = "</table><b>";
    const std::vector<batch_entry> entries = {{"python.good", result("good", 20, true)},
                                              {"x<b>\"", evil}};
    const auto page = render_leaderboard(entries);
    CHECK(page.find("<b>") == std::string::npos);
    CHECK(page.find("<a href=\"x&lt;b&gt;&quot;/report.html\">") != std::string::npos);
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("&lt;img src=x onerror=alert(2)&gt;") != std::string::npos);
    CHECK(page.find("</table><b>") == std::string::npos);
    CHECK(page.find("&lt;/table&gt;&lt;b&gt;") != std::string::npos);
    // One script, its own, allowed by hash and nothing else.
    const auto first = page.find("<script>");
    REQUIRE(first != std::string::npos);
    CHECK(page.find("<script", first + 1) == std::string::npos);
    const std::string script(leaderboard_script());
    CHECK(page.find("<script>" + script + "</script>") == first);
    const std::string hash = "sha256-" + base64(from_hex(sha256_hex(script)));
    CHECK(hash == leaderboard_script_csp_hash());
    CHECK(page.find("script-src '" + hash + "'\">") != std::string::npos);
    CHECK(page.find("default-src 'none'") != std::string::npos);
}

TEST_CASE("the leaderboard ranks by score, links each report and gives pass rates",
          "[grader][leaderboard]") {
    const std::vector<batch_entry> entries = {{"a.low", result("low", 4, false)},
                                              {"b.high", result("high", 20, true)},
                                              {"c.mid", result("mid", 20, false)}};
    const auto page = render_leaderboard(entries);
    const auto high = page.find("<a href=\"b.high/report.html\">b.high</a>");
    const auto mid = page.find("<a href=\"c.mid/report.html\">c.mid</a>");
    const auto low = page.find("<a href=\"a.low/report.html\">a.low</a>");
    REQUIRE(high != std::string::npos);
    REQUIRE(mid != std::string::npos);
    REQUIRE(low != std::string::npos);
    CHECK(high < mid);
    CHECK(mid < low);
    CHECK(page.find("3 submissions, 1 passed") != std::string::npos);
    const auto rates = page.find("id=\"pass-rates\"");
    REQUIRE(rates != std::string::npos);
    CHECK(page.find("<tr><td>build</td><td class=\"n\">3/3</td><td class=\"n\">100%</td></tr>",
                    rates) != std::string::npos);
    CHECK(page.find("<tr><td>concurrency</td><td class=\"n\">2/3</td><td class=\"n\">66.7%</td>"
                    "</tr>",
                    rates) != std::string::npos);
    CHECK(page.find("<tr><td>blocking</td><td class=\"n\">1/3</td><td class=\"n\">33.3%</td></tr>",
                    rates) != std::string::npos);
}
