// The probe's life in a process, whatever the runtime: the hello line, staying inert without
// TG_PROBE_LOG, nothing but hello and bye without an async runtime, and never writing into a
// file the program put where the log was.

#include "files.hpp"
#include "probe_fixture.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace probe_test;
using json = nlohmann::json;

namespace {

std::vector<json> log_lines(const std::string& log) {
    std::vector<json> lines;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(json::parse(line)); // throws (fails the test) on a line that is not JSON
    }
    return lines;
}

} // namespace

TEST_CASE("the probe writes a hello line for every process it is loaded into", "[probe][load]") {
    temp_dir dir;
    const auto run = run_probed(dir.path(), "/bin/sh", {"-c", "/bin/true; /bin/true; echo ok"});
    REQUIRE(run.result.exit_code == 0);
    CHECK(run.result.out == "ok\n");
    std::set<int> pids;
    for (const auto& line : log_lines(run.log)) {
        if (line.at("ev") == "hello") {
            CHECK(line.at("pid").get<int>() > 0);
            CHECK(line.at("ppid").get<int>() > 0);
            CHECK_FALSE(line.at("exe").get<std::string>().empty());
            pids.insert(line.at("pid").get<int>());
        }
    }
    CHECK(pids.size() >= 3); // sh and its two children
    const auto report = analyse(run.log, dir.path());
    CHECK(report.loaded);
    CHECK(report.processes == pids.size());
}

TEST_CASE("a fork's child says hello as a process of its own", "[probe][load]") {
    temp_dir dir;
    const std::string script = "import os\n"
                               "pid = os.fork()\n"
                               "if pid == 0:\n"
                               "    os._exit(0)\n"
                               "os.waitpid(pid, 0)\n"
                               "print(pid)\n";
    const auto run = run_probed(dir.path(), "/usr/bin/python3", {"-c", script});
    REQUIRE(run.result.exit_code == 0);
    const int child = std::stoi(run.result.out);
    std::map<int, std::string> image_of;
    for (const auto& line : log_lines(run.log)) {
        if (line.at("ev") == "hello") {
            image_of[line.at("pid").get<int>()] = line.at("img").get<std::string>();
        }
    }
    REQUIRE(image_of.size() == 2);
    REQUIRE(image_of.count(child) == 1);
    CHECK(image_of.begin()->second != image_of.rbegin()->second);
}

TEST_CASE("without TG_PROBE_LOG the preloaded probe does nothing", "[probe][load]") {
    temp_dir dir;
    const auto r =
        test_support::run("/usr/bin/env",
                          {"-u",
                           "TG_PROBE_LOG",
                           "-C",
                           dir.path().string(),
                           "LD_PRELOAD=" + std::string(TG_PROBE_LIBRARY),
                           "/bin/sh",
                           "-c",
                           "sleep 0.01; cat /proc/self/maps > maps.txt; rm maps.txt; echo ok"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "ok\n");
    CHECK(r.err.empty());
    CHECK(fs::is_empty(dir.path()));
    // Loaded all the same: the same command sees the library in its own maps.
    const auto maps = test_support::run("/usr/bin/env",
                                        {"-u",
                                         "TG_PROBE_LOG",
                                         "LD_PRELOAD=" + std::string(TG_PROBE_LIBRARY),
                                         "/bin/cat",
                                         "/proc/self/maps"});
    CHECK(maps.out.find("libtg_probe.so") != std::string::npos);
}

TEST_CASE("a program with no async runtime logs only its hello and bye lines", "[probe][load]") {
    temp_dir dir;
    write_file(dir.path() / "jobs.txt", "1\n2\n3\n");
    const auto run = run_probed(
        dir.path(), "/bin/sh", {"-c", "sleep 0.02; cat " + (dir.path() / "jobs.txt").string()});
    REQUIRE(run.result.exit_code == 0);
    for (const auto& line : log_lines(run.log)) {
        CHECK((line.at("ev") == "hello" || line.at("ev") == "bye"));
    }
    const auto report = analyse(run.log, dir.path());
    CHECK(report.loaded);
    CHECK(report.runtimes_seen.empty());
    CHECK(report.calls.empty());
}

TEST_CASE("the probe never writes into a file the program put on the log's descriptor",
          "[probe][load]") {
    temp_dir dir;
    const fs::path victim = dir.path() / "victim.txt";
    write_file(victim, "untouched\n");
    // Closes every descriptor, puts its own file where the log was (1000), blocks on the
    // event loop (which the probe would log), then closes its file: closed it must be.
    const std::string script = "import asyncio, os, sys, time\n"
                               "os.closerange(3, 4096)\n"
                               "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)\n"
                               "os.dup2(fd, 1000)\n"
                               "async def main():\n"
                               "    await asyncio.sleep(0.001)\n"
                               "    time.sleep(0.01)\n"
                               "asyncio.run(main())\n"
                               "os.close(1000)\n"
                               "try:\n"
                               "    os.fstat(1000)\n"
                               "except OSError:\n"
                               "    print('closed')\n";
    write_file(dir.path() / "closer.py", script);
    const auto run = run_probed(
        dir.path(), "/usr/bin/python3", {(dir.path() / "closer.py").string(), victim.string()});
    INFO(run.result.err);
    REQUIRE(run.result.exit_code == 0);
    CHECK(run.result.out == "closed\n");
    CHECK(test_support::read_file(victim) == "untouched\n");
    CHECK(analyse(run.log, dir.path()).loaded);
}
