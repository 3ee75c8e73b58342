// probe_cpu: the CPU-bound program of bench/probe_overhead.sh. Hashes and sorts in memory for
// about a second, with a little I/O a real program has (a result file written once per round,
// a sleep-free progress line on stderr), so that the probe's hooks are on the path but the work
// is the CPU's. Prints {"ms": compute time} on stdout.
//
//   probe_cpu OUT_FILE [ROUNDS]

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

std::uint64_t one_round(std::vector<std::uint64_t>& data, std::uint64_t seed) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = mix(seed + i);
    }
    std::sort(data.begin(), data.end());
    std::uint64_t h = 0;
    for (const auto v : data) {
        h = mix(h ^ v);
    }
    return h;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: probe_cpu OUT_FILE [ROUNDS]\n");
        return 2;
    }
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 20;
    std::vector<std::uint64_t> data(1 << 20);
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t h = 0;
    for (int r = 0; r < rounds; ++r) {
        h ^= one_round(data, h + static_cast<std::uint64_t>(r));
        if (std::FILE* out = std::fopen(argv[1], "w")) {
            std::fprintf(out, "%d %llu\n", r, static_cast<unsigned long long>(h));
            std::fclose(out);
        }
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"ms\":%.3f,\"hash\":%llu}\n", ms, static_cast<unsigned long long>(h));
    return 0;
}
