// probe_calls: what one blocking call costs under the probe in a process with an async runtime
// (bench/probe_overhead.sh). The probe checks every regular-file read there: an fstat, a stack
// walk to the innermost runtime frame, a site lookup. Three places, CALLS preads each:
//   outside  in main, before the runtime starts (no runtime frame: the whole stack is walked)
//   pool     in rt::spawn_blocking (excused by the blocking pool's frame)
//   task     in a task (async context: reported, deduplicated after the first lines)
// Prints {"outside_us": .., "pool_us": .., "task_us": ..}, microseconds per call.
//
//   probe_calls FILE [CALLS]

#include "runtime/all.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace {

double preads(const char* path, int calls) {
    const int fd = ::open(path, O_RDONLY);
    char buf[64];
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) {
        if (::pread(fd, buf, sizeof buf, 0) < 0) {
            std::abort();
        }
    }
    const auto took = std::chrono::steady_clock::now() - start;
    ::close(fd);
    return std::chrono::duration<double, std::micro>(took).count() / calls;
}

rt::task<double> in_pool(const char* path, int calls) {
    co_return co_await rt::spawn_blocking([=] { return preads(path, calls); });
}

rt::task<double> in_task(const char* path, int calls) { co_return preads(path, calls); }

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: probe_calls FILE [CALLS]\n");
        return 2;
    }
    const int calls = argc > 2 ? std::atoi(argv[2]) : 20000;
    const double outside = preads(argv[1], calls);
    rt::multi_thread_runtime runtime(2);
    const double pool = runtime.block_on(in_pool(argv[1], calls));
    const double task = runtime.block_on(in_task(argv[1], calls));
    std::printf("{\"outside_us\":%.3f,\"pool_us\":%.3f,\"task_us\":%.3f}\n", outside, pool, task);
    return 0;
}
