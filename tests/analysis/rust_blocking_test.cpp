// The Rust blocking-call rules on snippets: what must be flagged (rule, line, the call named in
// the message) and what must not.

#include "analysis_test_support.hpp"

#include <catch2/catch.hpp>

using namespace analysis_test;

namespace {

analysis_report rust(std::string_view text) { return analyse(language::rust, text, "src/main.rs"); }

} // namespace

TEST_CASE("std::thread::sleep inside an async fn is a blocking call however it is imported",
          "[analysis][rust][blocking]") {
    const auto [source, line] = GENERATE(table<std::string, int>({
        {"async fn fetch_detail() {\n    std::thread::sleep(D);\n}\n", 2},
        {"use std::thread;\nasync fn fetch_detail() {\n    thread::sleep(D);\n}\n", 3},
        {"use std::thread::sleep;\n\nasync fn fetch_detail() {\n    sleep(D);\n}\n", 4},
        {"use std::{thread::sleep as nap, fs};\nasync fn fetch_detail() {\n    nap(D);\n}\n", 3},
    }));
    const auto report = rust(source);
    const auto found = of_rule(report, "rust-thread-sleep-in-async");
    INFO(describe(report));
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == line);
    CHECK(found[0].category == "blocking");
    CHECK(found[0].severity == "error");
    CHECK(found[0].message ==
          "std::thread::sleep inside async fn fetch_detail blocks a runtime worker");
    CHECK(found[0].explanation.find("tokio::time::sleep") != std::string::npos);
    CHECK(found[0].snippet.find("(D);") != std::string::npos);
}

TEST_CASE("std::fs, std::net, reqwest::blocking and block_on inside async code are blocking calls",
          "[analysis][rust][blocking]") {
    const auto report = rust(R"(use std::fs::{self, File};
use futures::executor::block_on;

async fn load(path: &str) {
    let text = fs::read_to_string(path).unwrap();
    let file = File::open(path)?;
    let stream = std::net::TcpStream::connect("127.0.0.1:80")?;
    let body = reqwest::blocking::get(url)?.text()?;
    block_on(other());
    tokio::runtime::Handle::current().block_on(other());
}
)");
    INFO(describe(report));
    const auto fs = of_rule(report, "rust-blocking-fs-in-async");
    REQUIRE(fs.size() == 2);
    CHECK(fs[0].line == 5);
    CHECK(
        fs[0].message ==
        "std::fs::read_to_string inside async fn load does blocking file I/O on a runtime worker");
    CHECK(fs[1].line == 6);
    CHECK(fs[1].message.starts_with("std::fs::File::open inside async fn load"));
    const auto net = of_rule(report, "rust-blocking-net-in-async");
    REQUIRE(net.size() == 1);
    CHECK(net[0].line == 7);
    const auto http = of_rule(report, "rust-reqwest-blocking-in-async");
    REQUIRE(http.size() == 1);
    CHECK(http[0].message.starts_with("reqwest::blocking::get inside async fn load"));
    const auto block_on = of_rule(report, "rust-block-on-in-async");
    REQUIRE(block_on.size() == 2);
    CHECK(block_on[0].message.starts_with("futures::executor::block_on inside async fn load"));
    CHECK(block_on[1].line == 10);
}

TEST_CASE("spawn_blocking and block_in_place closures inside an async fn are not async code",
          "[analysis][rust][blocking]") {
    const auto report = rust(R"(async fn fetch_detail(path: String) -> String {
    tokio::task::spawn_blocking(move || std::thread::sleep(D)).await.ok();
    tokio::task::block_in_place(|| {
        std::thread::sleep(D);
        std::fs::read_to_string(&path)
    });
    std::thread::spawn(|| std::thread::sleep(D));
    tokio::task::spawn_blocking(move || std::fs::read_to_string(path)).await?
}
)");
    INFO(describe(report));
    CHECK(of_category(report, "blocking").empty());
}

TEST_CASE("tokio::time::sleep and tokio::fs are not blocking calls", "[analysis][rust][blocking]") {
    const auto report = rust(R"(use tokio::fs;
use tokio::time::sleep;

async fn fetch_detail() {
    tokio::time::sleep(D).await;
    sleep(D).await;
    let text = fs::read_to_string("jobs.json").await?;
    let file = tokio::fs::File::open("x").await?;
}
)");
    INFO(describe(report));
    CHECK(of_category(report, "blocking").empty());
}

TEST_CASE("blocking calls in plain functions are not flagged", "[analysis][rust][blocking]") {
    const auto report = rust(R"(fn main() {
    let config = std::fs::read_to_string("config.toml").expect("config");
    std::thread::sleep(D);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(run(config));
}

fn helper_never_called_from_async() {
    std::thread::sleep(D);
}
)");
    INFO(describe(report));
    CHECK(of_category(report, "blocking").empty());
}

TEST_CASE("an async block inside a plain fn is async code", "[analysis][rust][blocking]") {
    const auto report = rust(R"(fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async move {
        std::thread::sleep(D);
    });
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "rust-thread-sleep-in-async");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 4);
    CHECK(found[0].message ==
          "std::thread::sleep inside an async block in fn main blocks a runtime worker");
}

TEST_CASE("a closure run inline by an iterator inside an async fn is still async code",
          "[analysis][rust][blocking]") {
    const auto report = rust(R"(async fn run(ids: Vec<u64>) {
    let bodies: Vec<String> = ids
        .iter()
        .map(|id| std::fs::read_to_string(format!("{id}.json")).unwrap_or_default())
        .collect();
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "rust-blocking-fs-in-async");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 4);
    CHECK(found[0].function == "async fn run");
}

TEST_CASE("blocking calls in tokio tests are not the program's", "[analysis][rust][blocking]") {
    const auto report = rust(R"(#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn waits() {
        std::thread::sleep(D);
    }
}
)");
    INFO(describe(report));
    CHECK(report.findings.empty());
}
