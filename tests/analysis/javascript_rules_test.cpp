// The JavaScript rules (Node) on snippets.

#include "analysis_test_support.hpp"

#include <catch2/catch.hpp>

using namespace analysis_test;

namespace {

analysis_report js(std::string_view text) {
    return analyse(language::javascript, text, "src/index.js");
}

} // namespace

TEST_CASE("fs.*Sync inside an async function blocks the event loop however fs is imported",
          "[analysis][javascript][blocking]") {
    const auto [source, line] = GENERATE(table<std::string, int>({
        {"const fs = require('fs');\nasync function load() {\n  return fs.readFileSync('a');\n}\n",
         3},
        {"import { readFileSync } from 'node:fs';\nasync function load() {\n  return "
         "readFileSync('a');\n}\n",
         3},
        {"const { readFileSync: read } = require('fs');\n\nasync function load() {\n  return "
         "read('a');\n}\n",
         4},
        {"import * as fs from 'fs';\nconst load = async () => {\n  fs.readFileSync('a');\n};\n", 3},
    }));
    const auto report = js(source);
    INFO(describe(report));
    const auto found = of_rule(report, "js-sync-fs-in-async");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == line);
    CHECK(found[0].message == "fs.readFileSync inside async function load blocks the event loop");
    CHECK(found[0].explanation.find("fs.promises") != std::string::npos);
}

TEST_CASE("fs.promises, sync functions and nested callbacks are not blocking in async code",
          "[analysis][javascript][blocking]") {
    const auto report = js(R"(const fs = require('fs');
const fsp = require('fs/promises');
function loadConfig() {
  return fs.readFileSync('config.json');
}
async function load() {
  const a = await fs.promises.readFile('a');
  const b = await fsp.readFile('b');
  const later = () => fs.readFileSync('c');
  function helper() { return fs.existsSync('d'); }
  setTimeout(() => fs.writeFileSync('e', ''), 10);
}
)");
    INFO(describe(report));
    CHECK(of_category(report, "blocking").empty());
}

TEST_CASE("a forEach callback inside an async function runs on the event loop",
          "[analysis][javascript][blocking]") {
    const auto report = js(R"(const fs = require('fs');
const { execSync } = require('child_process');
class Loader {
  async loadAll(files) {
    files.forEach((f) => fs.readFileSync(f));
    execSync('ls');
  }
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "js-sync-fs-in-async");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 5);
    CHECK(found[0].function == "async method loadAll");
    REQUIRE(of_rule(report, "js-sync-child-process-in-async").size() == 1);
}

TEST_CASE("await in a for-of loop is a sequential fan-out but Promise.all and for await are not",
          "[analysis][javascript][concurrency]") {
    const auto report = js(R"(async function run(ids) {
  const details = [];
  for (const id of ids) {
    details.push(await fetchDetail(id));
  }
  const all = await Promise.all(ids.map(async (id) => await fetchDetail(id)));
  for await (const chunk of stream) {
    await handle(chunk);
  }
  for (let i = 0; i < 3; i++) {
    await sleep(100);
  }
  for (const batch of batches) {
    await Promise.all(batch.map(fetchDetail));
  }
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "js-await-in-for-loop");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 4);
    CHECK(found[0].message == "await fetchDetail(..) in the for loop at line 3 of async function "
                              "run waits for each item before starting the next");
}
