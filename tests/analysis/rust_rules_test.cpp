// The Rust rules on snippets: what must be flagged (rule, line, the call named in the message)
// and what must not.

#include "analysis_test_support.hpp"

#include <catch2/catch.hpp>

using namespace analysis_test;

namespace {

analysis_report rust(std::string_view text) {
    return analyse(language::rust, text, "src/main.rs");
}

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
    CHECK(found[0].message == "std::thread::sleep inside async fn fetch_detail blocks a runtime worker");
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
    CHECK(fs[0].message == "std::fs::read_to_string inside async fn load does blocking file I/O on a runtime worker");
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
    CHECK(found[0].message == "std::thread::sleep inside an async block in fn main blocks a runtime worker");
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

TEST_CASE("awaiting a request in a for loop over items is a sequential fan-out",
          "[analysis][rust][concurrency]") {
    const auto report = rust(R"(async fn run(client: &Client, ids: &[u64]) {
    let mut details = Vec::new();
    for id in ids {
        let response = client.get(url(id)).send().await?;
        details.push(response.json::<Detail>().await?);
    }
    for id in ids {
        details.push(fetch_detail(client, *id).await);
    }
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "rust-await-in-for-loop");
    REQUIRE(found.size() == 2); // one per loop
    CHECK(found[0].line == 4);
    CHECK(found[0].category == "concurrency");
    CHECK(found[0].severity == "warning");
    CHECK(found[0].message == "client.get(url(id)).send(..).await in the for loop at line 3 of async fn run waits for each item before starting the next");
    CHECK(found[1].line == 8);
    CHECK(found[1].message.starts_with("fetch_detail(..).await in the for loop at line 7"));
}

TEST_CASE("join_next in a while let loop, awaiting spawned handles and spawning in a loop are not sequential",
          "[analysis][rust][concurrency]") {
    const auto report = rust(R"(async fn run(ids: Vec<u64>, permits: Arc<Semaphore>) {
    let mut set = JoinSet::new();
    for id in ids.clone() {
        let permit = permits.clone().acquire_owned().await?;
        set.spawn(async move { let _p = permit; fetch_detail(id).await });
    }
    while let Some(result) = set.join_next().await {
        results.push(result?);
    }
    let handles: Vec<_> = ids.iter().map(|id| tokio::spawn(fetch_detail(*id))).collect();
    for handle in handles {
        results.push(handle.await?);
    }
    for (i, id) in ids.iter().enumerate() {
        tokio::time::sleep(Duration::from_millis(10)).await;
        tx.send(*id).await?;
    }
    for batch in ids.chunks(10) {
        results.extend(futures::future::join_all(batch.iter().map(|id| fetch_detail(*id))).await);
        let more: Vec<_> = stream::iter(batch).map(fetch_detail).buffer_unordered(4).collect().await;
    }
}
)");
    INFO(describe(report));
    CHECK(of_rule(report, "rust-await-in-for-loop").empty());
}

TEST_CASE("a std lock guard held across an await is a concurrency finding; a released one is not",
          "[analysis][rust][concurrency]") {
    const auto report = rust(R"(async fn record(state: Arc<Mutex<State>>, client: &Client) {
    let mut guard = state.lock().unwrap();
    guard.started += 1;
    let body = client.get(URL).send().await?;
    guard.bodies.push(body);
}

async fn scoped(state: Arc<Mutex<State>>) {
    {
        let mut guard = state.lock().unwrap();
        guard.started += 1;
    }
    fetch().await;
    let guard = state.lock().expect("poisoned");
    drop(guard);
    fetch().await;
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "rust-std-lock-held-across-await");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 4);
    CHECK(found[0].category == "concurrency");
    CHECK(found[0].message == "the lock guard `guard` from state.lock() (line 2) is still held at this .await in async fn record");
}

TEST_CASE("a tokio lock guard held across an await is a lower-severity note",
          "[analysis][rust][concurrency]") {
    const auto report = rust(R"(async fn record(state: Arc<tokio::sync::Mutex<State>>) {
    let mut guard = state.lock().await;
    let body = fetch().await;
    guard.bodies.push(body);
}
)");
    INFO(describe(report));
    CHECK(of_rule(report, "rust-std-lock-held-across-await").empty());
    CHECK(of_category(report, "blocking").empty());
    const auto found = of_rule(report, "rust-async-lock-held-across-await");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == "info");
    CHECK(found[0].line == 3);
}

TEST_CASE("unwrap outside test code is one finding per file with its count and lines",
          "[analysis][rust][style]") {
    const auto report = rust(R"(fn parse(body: &str) -> Detail {
    let value: Detail = serde_json::from_str(body).unwrap();
    let count = state.lock().unwrap().len();
    value.name.parse().expect("a number");
    value.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses() {
        parse("{}").unwrap();
    }
}

#[tokio::test]
async fn fetches() {
    fetch().await.unwrap();
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "rust-unwrap-outside-tests");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 2);
    CHECK(found[0].severity == "warning");
    CHECK(found[0].message == "unwrap()/expect() called 2 time(s) outside test code (lines 2, 4)");
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

TEST_CASE("unwrap in an integration test file is test code", "[analysis][rust][style]") {
    const auto report = analyse(language::rust, "fn t() { x.unwrap(); }\n", "tests/api.rs");
    CHECK(of_rule(report, "rust-unwrap-outside-tests").empty());
}

TEST_CASE("an Arc<Mutex<Vec<_>>> collector is a style note", "[analysis][rust][style]") {
    const auto report = rust(R"(async fn run(ids: Vec<u64>) {
    let results: Arc<Mutex<Vec<Detail>>> = Arc::new(Mutex::new(Vec::new()));
    let more = std::sync::Arc::new(tokio::sync::Mutex::new(vec![]));
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "rust-arc-mutex-vec-collector");
    REQUIRE(found.size() == 1);
    CHECK(found[0].severity == "info");
    CHECK(found[0].message == "an Arc<Mutex<Vec<_>>> collects results (lines 2, 3)");
}

TEST_CASE("an async fn called as a statement without await is a future never awaited",
          "[analysis][rust][concurrency]") {
    const auto report = rust(R"(async fn notify(id: u64) {}
fn log(id: u64) {}

impl Client {
    async fn refresh(&self) {}
    async fn run(&self) {
        notify(1);
        self.refresh();
        log(2);
        notify(3).await;
        tokio::spawn(notify(4));
        let _ = notify(5);
    }
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "rust-future-not-awaited");
    REQUIRE(found.size() == 2);
    CHECK(found[0].line == 7);
    CHECK(found[0].message == "notify(..) calls an async fn in async fn run but never awaits the future, so it never runs");
    CHECK(found[1].line == 8);
    CHECK(found[1].message.starts_with("self.refresh(..)"));
}
