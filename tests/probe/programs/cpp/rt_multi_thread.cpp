// Blocking calls on rt's multi-thread runtime (tests/probe/rt_test.cpp). Lines marked
// `probe: blocks` are the ones the probe must report, at that line; `probe: may block` ones
// it may report (a socket call on loopback that happened not to wait); nothing else.
//
//   rt_multi_thread DATA_FILE     prints the byte counts it read

#include "runtime/all.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <netdb.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

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

// A plain thread serving one connection: reads the request, answers 20 ms later. Blocking is
// its business: it is no runtime's thread.
class slow_server {
  public:
    slow_server() : listener_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len);
        ::listen(listener_, 1);
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~slow_server() {
        thread_.join();
        ::close(listener_);
    }
    slow_server(const slow_server&) = delete;
    slow_server& operator=(const slow_server&) = delete;
    [[nodiscard]] int port() const { return port_; }

  private:
    void serve() const {
        const int client = ::accept(listener_, nullptr, nullptr);
        char request[8];
        if (::recv(client, request, sizeof request, 0) > 0) {
            std::this_thread::sleep_for(20ms);
            ::send(client, "pong", 4, 0);
        }
        ::close(client);
    }

    int listener_;
    int port_ = 0;
    std::thread thread_;
};

// A synchronous client inside a task: the reply takes 20 ms, all of it on a worker.
rt::task<int> blocking_client(int port) {
    co_await rt::sleep_for(1ms);
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr); // probe: may block
    ::send(s, "ping", 4, 0);                                       // probe: may block
    char reply[8];
    const auto n = ::recv(s, reply, sizeof reply, 0); // probe: blocks
    ::close(s);
    co_return n > 0 ? 1 : 0;
}

rt::task<int> nap_offloaded() {
    co_await rt::spawn_blocking([] { std::this_thread::sleep_for(20ms); });
    co_return 1;
}

rt::task<int> nap_awaited() {
    co_await rt::sleep_for(20ms);
    co_return 1;
}

rt::task<std::size_t> run_all(std::string path, int port) {
    auto a = rt::spawn(nap_in_task());
    auto b = rt::spawn(read_in_coroutine(path));
    auto c = rt::spawn(nap_offloaded());
    auto d = rt::spawn(nap_awaited());
    auto e = rt::spawn(resolve_in_task());
    auto f = rt::spawn(blocking_client(port));
    const std::size_t bytes = co_await b;
    const int rest = co_await a + co_await c + co_await d + co_await e + co_await f;
    co_return bytes + static_cast<std::size_t>(rest);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: rt_multi_thread DATA_FILE\n");
        return 2;
    }
    const std::size_t before = read_settings(argv[1]);
    slow_server server;
    rt::multi_thread_runtime runtime(2);
    const std::size_t during = runtime.block_on(run_all(argv[1], server.port()));
    std::printf("%zu %zu\n", before, during);
    return before > 0 && during > before ? 0 : 1;
}
