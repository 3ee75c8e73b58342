// The Python rules (asyncio) on snippets.

#include "analysis_test_support.hpp"

#include <catch2/catch.hpp>

using namespace analysis_test;

namespace {

analysis_report py(std::string_view text) { return analyse(language::python, text, "client.py"); }

} // namespace

TEST_CASE("time.sleep inside async def blocks the event loop however it is imported",
          "[analysis][python][blocking]") {
    const auto [source, line] = GENERATE(table<std::string, int>({
        {"import time\n\nasync def fetch_detail():\n    time.sleep(1)\n", 4},
        {"from time import sleep\nasync def fetch_detail():\n    sleep(1)\n", 3},
        {"import time as t\nasync def fetch_detail():\n    t.sleep(1)\n", 3},
    }));
    const auto report = py(source);
    INFO(describe(report));
    const auto found = of_rule(report, "py-time-sleep-in-async");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == line);
    CHECK(found[0].message == "time.sleep inside async def fetch_detail blocks the event loop");
    CHECK(found[0].explanation.find("asyncio.sleep") != std::string::npos);
}

TEST_CASE("open, requests and urlopen inside async def are blocking calls",
          "[analysis][python][blocking]") {
    const auto report = py(R"(import requests
import urllib.request
from urllib.request import urlopen

async def fetch(url):
    with open("cache.json") as f:
        cached = f.read()
    body = requests.get(url, timeout=2).json()
    raw = urllib.request.urlopen(url).read()
    more = urlopen(url)
)");
    INFO(describe(report));
    const auto files = of_rule(report, "py-blocking-file-io-in-async");
    REQUIRE(files.size() == 1);
    CHECK(files[0].line == 6);
    CHECK(files[0].message ==
          "open() inside async def fetch does blocking file I/O on the event loop");
    const auto http = of_rule(report, "py-blocking-http-in-async");
    REQUIRE(http.size() == 3);
    CHECK(http[0].message ==
          "requests.get inside async def fetch blocks the event loop for a whole round trip");
    CHECK(http[1].line == 9);
    CHECK(http[2].message.starts_with("urllib.request.urlopen inside async def fetch"));
}

TEST_CASE("thread-pool code with time.sleep in a plain def is not blocking the loop",
          "[analysis][python][blocking]") {
    const auto report = py(R"(import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

def slow_lookup(job_id):
    time.sleep(0.1)
    return job_id

async def main(ids):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor() as pool:
        results = await asyncio.gather(*(loop.run_in_executor(pool, slow_lookup, i) for i in ids))
    def inner():
        time.sleep(1)
    await asyncio.to_thread(inner)
    await asyncio.sleep(0.5)
)");
    INFO(describe(report));
    CHECK(of_category(report, "blocking").empty());
}

TEST_CASE("await in a for loop is a sequential fan-out but gather and async for are not",
          "[analysis][python][concurrency]") {
    const auto report = py(R"(async def run(session, ids):
    details = []
    for job_id in ids:
        details.append(await fetch_detail(session, job_id))
    results = await asyncio.gather(*(fetch_detail(session, i) for i in ids))
    async for message in stream:
        await handle(message)
    for task in tasks:
        details.append(await task)
    for _ in range(3):
        await asyncio.sleep(1)
)");
    INFO(describe(report));
    const auto found = of_rule(report, "py-await-in-for-loop");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 4);
    CHECK(found[0].message == "await fetch_detail(..) in the for loop at line 3 of async def run "
                              "waits for each item before starting the next");
}

TEST_CASE("await inside a list comprehension is a sequential fan-out too",
          "[analysis][python][concurrency]") {
    const auto report = py("async def run(ids):\n    return [await fetch(i) for i in ids]\n");
    INFO(describe(report));
    const auto found = of_rule(report, "py-await-in-for-loop");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 2);
}

TEST_CASE("an async def called as a statement is a coroutine never awaited",
          "[analysis][python][concurrency]") {
    const auto report = py(R"(import asyncio

async def notify(job_id):
    pass

async def run():
    notify(1)
    await notify(2)
    asyncio.create_task(notify(3))
    asyncio.run(main())
)");
    INFO(describe(report));
    const auto found = of_rule(report, "py-coroutine-not-awaited");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 7);
    CHECK(
        found[0].message ==
        "notify(..) creates a coroutine in async def run that is never awaited, so it never runs");
}
