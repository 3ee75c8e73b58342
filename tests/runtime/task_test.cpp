#include "runtime/block_on.hpp"
#include "runtime/task.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

namespace {

rt::task<int> answer(bool& started) {
    started = true;
    co_return 42;
}

rt::task<int> nested(int depth) {
    if (depth == 0) {
        co_return 0;
    }
    co_return 1 + co_await nested(depth - 1);
}

rt::task<void> fails() {
    throw std::runtime_error("boom");
    co_return;
}

rt::task<std::string> catches() {
    try {
        co_await fails();
    } catch (const std::runtime_error& e) {
        co_return std::string("caught ") + e.what();
    }
    co_return "not caught";
}

} // namespace

TEST_CASE("a task body does not run until it is awaited", "[runtime][task]") {
    bool started = false;
    auto t = answer(started);
    CHECK_FALSE(started);
    CHECK(rt::block_on(std::move(t)) == 42);
    CHECK(started);
}

TEST_CASE("a task that is never awaited is destroyed without running", "[runtime][task]") {
    bool started = false;
    { auto t = answer(started); }
    CHECK_FALSE(started);
}

TEST_CASE("an exception thrown in a task is rethrown at co_await", "[runtime][task]") {
    CHECK(rt::block_on(catches()) == "caught boom");
    CHECK_THROWS_AS(rt::block_on(fails()), std::runtime_error);
}

TEST_CASE("awaiting a chain of 100000 nested tasks does not overflow the stack",
          "[runtime][task]") {
    CHECK(rt::block_on(nested(100000)) == 100000);
}
