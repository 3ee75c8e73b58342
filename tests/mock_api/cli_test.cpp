// End-to-end tests of the mock_api executable.

#include "process.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <regex>

namespace fs = std::filesystem;
using test_support::background_process;
using test_support::run;

namespace {

const std::string exe = MOCK_API_EXE;
const std::string happy = std::string(TG_SOURCE_DIR) + "/rubrics/jobs-fanout/scenarios/happy.yaml";

fs::path temp_file(const std::string& name, const std::string& text) {
    const fs::path dir = fs::temp_directory_path() / ("mock_api_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path p = dir / name;
    std::ofstream(p) << text;
    return p;
}

} // namespace

TEST_CASE("mock_api rejects an invalid scenario with a located message and exit 2",
          "[mock_api][cli]") {
    const auto file = temp_file("bad.yaml", "name: x\nsed: 3\njobs: {count: 1}\n");
    const auto r = run(exe, {"--scenario", file.string()});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "mock_api: " + file.string() +
                       ":2:1: unknown key 'sed' in 'scenario' (did you mean 'seed'?)\n");
}

TEST_CASE("mock_api reports a missing scenario file and a usage error with exit 2",
          "[mock_api][cli]") {
    const auto missing = run(exe, {"--scenario", "/nonexistent/s.yaml"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err ==
          "mock_api: /nonexistent/s.yaml: cannot open file: No such file or directory\n");
    CHECK(run(exe, {"--port", "80"}).exit_code == 2); // --scenario is required
    CHECK(run(exe, {"--scenario", happy, "--port", "70000"}).exit_code == 2);
}

TEST_CASE("mock_api --print-expected prints the oracle and exits", "[mock_api][cli]") {
    const auto r = run(exe, {"--scenario", happy, "--print-expected"});
    REQUIRE(r.exit_code == 0);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["format"] == "mock_api.oracle/1");
    CHECK(doc["scenario"] == "happy");
    CHECK(doc["list"] == "succeeds");
    CHECK(doc["expected"]["total_jobs"] == 12);
    CHECK(doc["acceptable"].size() == 1);
}

TEST_CASE("mock_api announces its address then serves and writes the journal on SIGTERM",
          "[mock_api][cli]") {
    const auto journal = temp_file("journal.json", "");
    fs::remove(journal);
    background_process p(
        exe, {"--scenario", happy, "--port", "0", "--journal", journal.string(), "--no-admin"});
    const std::string line = p.first_line();
    std::smatch m;
    REQUIRE(std::regex_match(line, m, std::regex(R"(listening on (http://127\.0\.0\.1:(\d+)))")));
    httplib::Client client(m[1].str());
    const auto list = client.Get("/jobs");
    REQUIRE(list);
    CHECK(list->status == 200);
    CHECK(client.Get("/__admin/journal")->status == 404);
    p.signal(SIGTERM);
    const auto r = p.wait();
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty()); // nothing but the first line goes to stdout
    std::ifstream in(journal);
    REQUIRE(in);
    const auto doc = nlohmann::json::parse(in);
    REQUIRE(doc["entries"].size() == 2);
    CHECK(doc["entries"][0]["path"] == "/jobs");
    CHECK(doc["entries"][1]["status"] == 404);
}

TEST_CASE("mock_api stops cleanly on SIGINT as well", "[mock_api][cli]") {
    background_process p(exe, {"--scenario", happy});
    REQUIRE(p.first_line().rfind("listening on http://127.0.0.1:", 0) == 0);
    p.signal(SIGINT);
    const auto r = p.wait();
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("SIGINT, stopping") != std::string::npos);
}

TEST_CASE("mock_api exits 3 when it cannot listen", "[mock_api][cli]") {
    background_process first(exe, {"--scenario", happy});
    const std::string line = first.first_line();
    const std::string port = line.substr(line.rfind(':') + 1);
    const auto r = run(exe, {"--scenario", happy, "--port", port});
    CHECK(r.exit_code == 3);
    CHECK(r.err.rfind("mock_api: cannot listen on 127.0.0.1:" + port + ": ", 0) == 0);
    first.signal(SIGTERM);
    CHECK(first.wait().exit_code == 0);
}
