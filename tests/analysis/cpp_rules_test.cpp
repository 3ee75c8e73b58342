// The C++ rules (coroutines on the project's rt:: runtime) on snippets.

#include "analysis_test_support.hpp"

#include <catch2/catch.hpp>

using namespace analysis_test;

namespace {

analysis_report cpp(std::string_view text) { return analyse(language::cpp, text, "src/main.cpp"); }

} // namespace

TEST_CASE("a thread sleep inside a coroutine is a blocking call however it is named",
          "[analysis][cpp][blocking]") {
    const auto [source, line, call] = GENERATE(table<std::string, int, std::string>({
        {"rt::task<int> fetch_detail() {\n    std::this_thread::sleep_for(1s);\n    co_return "
         "1;\n}\n",
         2,
         "std::this_thread::sleep_for"},
        {"using namespace std::this_thread;\nrt::task<int> fetch_detail() {\n    sleep_for(1s);\n  "
         "  co_return 1;\n}\n",
         3,
         "std::this_thread::sleep_for"},
        {"using std::this_thread::sleep_until;\nrt::task<void> fetch_detail() {\n    co_await x;\n "
         "   sleep_until(t);\n}\n",
         4,
         "std::this_thread::sleep_until"},
        {"rt::task<void> fetch_detail() {\n    ::usleep(1000);\n    co_await x;\n}\n", 2, "usleep"},
    }));
    const auto report = cpp(source);
    INFO(describe(report));
    const auto found = of_rule(report, "cpp-thread-sleep-in-coroutine");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == line);
    CHECK(found[0].message == call + " inside coroutine fetch_detail blocks a runtime worker");
    CHECK(found[0].explanation.find("rt::sleep_for") != std::string::npos);
}

TEST_CASE("rt::spawn_blocking lambdas and plain functions are not coroutines",
          "[analysis][cpp][blocking]") {
    const auto report = cpp(R"(rt::task<void> fetch_detail() {
    co_await rt::spawn_blocking([] { std::this_thread::sleep_for(100ms); });
    auto text = co_await rt::spawn_blocking([&] {
        std::ifstream in(path);
        return read_all(in);
    });
    co_await rt::sleep_for(100ms);
}

int main() {
    std::this_thread::sleep_for(1s);
    std::ifstream config("config.json");
    rt::multi_thread_runtime runtime(2);
    return runtime.block_on(fetch_detail());
}
)");
    INFO(describe(report));
    CHECK(of_category(report, "blocking").empty());
}

TEST_CASE("a coroutine lambda is a coroutine", "[analysis][cpp][blocking]") {
    const auto report = cpp(R"(void start() {
    auto worker = [&]() -> rt::task<void> {
        std::this_thread::sleep_for(10ms);
        co_return;
    };
    std::this_thread::sleep_for(10ms);
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "cpp-thread-sleep-in-coroutine");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 3);
    CHECK(found[0].function == "coroutine lambda worker");
}

TEST_CASE("file streams, fopen and block_on inside a coroutine are blocking calls",
          "[analysis][cpp][blocking]") {
    const auto report = cpp(R"(rt::task<std::string> load(std::string path) {
    std::ifstream in(path);
    auto out = std::ofstream("out.txt");
    FILE* f = fopen(path.c_str(), "r");
    auto value = rt::block_on(other());
    co_return read_all(in);
}
)");
    INFO(describe(report));
    const auto files = of_rule(report, "cpp-file-io-in-coroutine");
    REQUIRE(files.size() == 3);
    CHECK(files[0].line == 2);
    CHECK(files[0].message ==
          "std::ifstream inside coroutine load does blocking file I/O on a runtime worker");
    CHECK(files[1].line == 3);
    CHECK(files[2].message.starts_with("fopen inside coroutine load"));
    const auto block_on = of_rule(report, "cpp-block-on-in-coroutine");
    REQUIRE(block_on.size() == 1);
    CHECK(block_on[0].line == 5);
}

TEST_CASE("co_await of a request in a for loop is a sequential fan-out but awaiting spawned "
          "handles is not",
          "[analysis][cpp][concurrency]") {
    const auto report = cpp(R"(rt::task<void> run(std::vector<int> ids) {
    std::vector<job> jobs;
    for (const auto id : ids) {
        auto answer = co_await client->get(url(id), timeout);
        jobs.push_back(parse(answer));
    }
    std::vector<rt::join_handle<job>> handles;
    for (const auto id : ids) {
        handles.push_back(rt::spawn(fetch_detail(id)));
    }
    for (std::size_t i = 0; i < handles.size(); ++i) {
        auto detail = co_await handles[i];
        co_await rt::sleep_for(10ms);
    }
    for (auto& h : handles) {
        jobs.push_back(co_await std::move(h));
    }
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "cpp-await-in-for-loop");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 4);
    CHECK(found[0].message == "co_await client->get(..) in the for loop at line 3 of coroutine run "
                              "waits for each item before starting the next");
}

TEST_CASE("a std::lock_guard held across co_await is a concurrency finding",
          "[analysis][cpp][concurrency]") {
    const auto report = cpp(R"(rt::task<void> record(state& s) {
    std::lock_guard<std::mutex> lock(s.mutex);
    auto answer = co_await s.client->get(url);
    s.answers.push_back(answer);
}

rt::task<void> released(state& s) {
    {
        std::lock_guard lock(s.mutex);
        s.count += 1;
    }
    std::unique_lock other(s.mutex);
    other.unlock();
    co_await rt::sleep_for(1ms);
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "cpp-std-lock-held-across-co-await");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 3);
    CHECK(found[0].message == "std::lock_guard<std::mutex> `lock` (line 2) still holds its mutex "
                              "at this co_await in coroutine record");
}

TEST_CASE("a coroutine called as a statement is a task never awaited",
          "[analysis][cpp][concurrency]") {
    const auto report = cpp(R"(rt::task<void> notify(int id) {
    co_await rt::sleep_for(1ms);
}

rt::task<void> run() {
    notify(1);
    co_await notify(2);
    rt::spawn(notify(3));
}
)");
    INFO(describe(report));
    const auto found = of_rule(report, "cpp-coroutine-not-awaited");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 6);
    CHECK(found[0].message.starts_with("notify(..) creates a coroutine task in coroutine run"));
}
