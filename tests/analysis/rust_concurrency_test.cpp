// The Rust concurrency and style rules on snippets: sequential fan-outs, lock guards across
// awaits, futures never awaited, unwrap() outside tests, the Arc<Mutex<Vec<_>>> collector.

#include "analysis_test_support.hpp"

#include <catch2/catch.hpp>

using namespace analysis_test;

namespace {

analysis_report rust(std::string_view text) { return analyse(language::rust, text, "src/main.rs"); }

} // namespace

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
    CHECK(found[0].message == "client.get(url(id)).send(..).await in the for loop at line 3 of "
                              "async fn run waits for each item before starting the next");
    CHECK(found[1].line == 8);
    CHECK(found[1].message.starts_with("fetch_detail(..).await in the for loop at line 7"));
}

TEST_CASE("join_next in a while let loop, awaiting spawned handles and spawning in a loop are not "
          "sequential",
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

TEST_CASE(
    "a std lock guard held across an await is a concurrency finding but a released one is not",
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
    CHECK(found[0].message == "the lock guard `guard` from state.lock() (line 2) is still held at "
                              "this .await in async fn record");
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
    CHECK(found[0].message == "notify(..) calls an async fn in async fn run but never awaits the "
                              "future, so it never runs");
    CHECK(found[1].line == 8);
    CHECK(found[1].message.starts_with("self.refresh(..)"));
}
