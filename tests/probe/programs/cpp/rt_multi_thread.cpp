// Blocking calls on rt's multi-thread runtime (tests/probe/rt_test.cpp). Lines marked
// `probe: blocks` are the ones the probe must report, at that line; nothing else may be.
//
//   rt_multi_thread DATA_FILE     prints the byte counts it read

#include "runtime/all.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <netdb.h>
#include <string>
#include <thread>

using namespace std::chrono_literals;

namespace {

// Before any runtime exists: blocking is nobody's business.
std::size_t read_settings(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {}).size();
}

rt::task<int> nap_in_task() {
    co_await rt::sleep_for(1ms);
    std::this_thread::sleep_for(20ms); // probe: blocks
    co_return 1;
}

rt::task<std::size_t> read_in_coroutine(std::string path) {
    co_await rt::sleep_for(1ms);
    std::ifstream in(path);                                               // probe: blocks
    co_return std::string(std::istreambuf_iterator<char>(in), {}).size(); // probe: blocks
}

// A numeric host: getaddrinfo resolves nothing, but is the blocking resolver all the same.
rt::task<int> resolve_in_task() {
    co_await rt::sleep_for(1ms);
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo("127.0.0.1", "80", &hints, &found); // probe: blocks
    if (rc == 0) {
        ::freeaddrinfo(found);
    }
    co_return rc == 0 ? 1 : 0;
}

rt::task<int> nap_offloaded() {
    co_await rt::spawn_blocking([] { std::this_thread::sleep_for(20ms); });
    co_return 1;
}

rt::task<int> nap_awaited() {
    co_await rt::sleep_for(20ms);
    co_return 1;
}

rt::task<std::size_t> run_all(std::string path) {
    auto a = rt::spawn(nap_in_task());
    auto b = rt::spawn(read_in_coroutine(path));
    auto c = rt::spawn(nap_offloaded());
    auto d = rt::spawn(nap_awaited());
    auto e = rt::spawn(resolve_in_task());
    const std::size_t bytes = co_await b;
    const int rest = co_await a + co_await c + co_await d + co_await e;
    co_return bytes + static_cast<std::size_t>(rest);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: rt_multi_thread DATA_FILE\n");
        return 2;
    }
    const std::size_t before = read_settings(argv[1]);
    rt::multi_thread_runtime runtime(2);
    const std::size_t during = runtime.block_on(run_all(argv[1]));
    std::printf("%zu %zu\n", before, during);
    return before > 0 && during > before ? 0 : 1;
}
