#pragma once
// Helpers shared by rt_bench.cpp and asio_bench.cpp (the tokio crate has its own copies with
// the same definitions): command line, clocks, RSS from /proc, the deterministic sleep
// durations, and the one-line JSON result every mode prints on stdout.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace bench {

using steady = std::chrono::steady_clock;

/// Parameters of every mode, with the defaults the script uses (positional overrides:
/// MODE [COUNT] for every mode but fanout, which takes MODE URL).
struct params {
    std::string mode;
    std::size_t tasks = 0;
    std::size_t batch = 1000;        ///< spawn-*: tasks spawned, then joined, per round
    std::int64_t max_sleep_ms = 100; ///< timers: durations are in [0, max_sleep_ms]
    std::string url;                 ///< fanout: http://127.0.0.1:PORT
};

inline const char* usage_text =
    "usage: BENCH spawn-ct|spawn-mt [TASKS] | timers [TASKS] | park [TASKS] | fanout URL\n"
    "  spawn-ct  spawn+join TASKS (1000000) empty tasks in rounds of 1000, current-thread\n"
    "  spawn-mt  the same on a 2-worker multi-thread runtime\n"
    "  timers    TASKS (100000) tasks each sleeping sleep_ms(i) in [0, 100] ms; current-thread\n"
    "  park      TASKS (100000) tasks parked on a oneshot-like event; RSS per parked task\n"
    "  fanout    GET URL/jobs, then every URL/jobs/{id} concurrently; 2-worker runtime\n"
    "Prints one JSON object on stdout.\n";

inline params parse(int argc, char** argv) {
    params p;
    if (argc < 2) {
        throw std::invalid_argument("missing mode");
    }
    p.mode = argv[1];
    if (p.mode == "fanout") {
        if (argc != 3) {
            throw std::invalid_argument("fanout needs the mock_api URL");
        }
        p.url = argv[2];
        return p;
    }
    if (p.mode == "spawn-ct" || p.mode == "spawn-mt") {
        p.tasks = 1'000'000;
    } else if (p.mode == "timers" || p.mode == "park") {
        p.tasks = 100'000;
    } else {
        throw std::invalid_argument("unknown mode " + p.mode);
    }
    if (argc == 3) {
        p.tasks = std::stoul(argv[2]);
    } else if (argc > 3) {
        throw std::invalid_argument("too many arguments");
    }
    if (p.tasks == 0 || p.tasks % p.batch != 0) {
        p.batch = p.tasks == 0 ? 1 : p.tasks; // odd counts: one round
    }
    return p;
}

/// Sleep of task i in milliseconds: a fixed permutation-like spread over [0, max] (7919 and
/// 101 are prime, so every value is hit equally often). Same formula in the tokio crate.
inline std::int64_t sleep_ms(std::size_t i, std::int64_t max_ms) {
    return static_cast<std::int64_t>((i * 7919 + 13) % static_cast<std::size_t>(max_ms + 1));
}

inline std::int64_t elapsed_ns(steady::time_point since) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now() - since).count();
}

/// Resident set size now, in bytes (/proc/self/statm, second field, in pages).
inline std::int64_t rss_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::int64_t size = 0;
    std::int64_t resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::int64_t>(::sysconf(_SC_PAGESIZE));
}

/// A field of /proc/self/status in kB (VmHWM: peak RSS), or -1.
inline std::int64_t status_kb(const std::string& field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(field + ":", 0) == 0) {
            return std::stoll(line.substr(field.size() + 1));
        }
    }
    return -1;
}

/// Builds the flat JSON object a mode prints: {"runtime":..., "mode":..., key: number...}.
class result {
  public:
    result(const std::string& runtime, const std::string& mode) {
        text_ << "{\"runtime\":\"" << runtime << "\",\"mode\":\"" << mode << '"';
    }
    template <class Number>
    result& add(const char* key, Number value) {
        text_ << ",\"" << key << "\":" << value;
        return *this;
    }
    result& add_text(const char* key, const std::string& value) {
        text_ << ",\"" << key << "\":\"" << value << '"';
        return *this;
    }
    void print() {
        text_ << "}\n";
        std::fputs(text_.str().c_str(), stdout);
        std::fflush(stdout);
    }

  private:
    std::ostringstream text_;
};

/// "http://127.0.0.1:PORT[/]" -> {"127.0.0.1", PORT}; loopback only, like the script.
inline std::pair<std::string, unsigned short> host_port(const std::string& url) {
    const std::string prefix = "http://";
    if (url.rfind(prefix, 0) != 0) {
        throw std::invalid_argument("URL must start with http://");
    }
    std::string rest = url.substr(prefix.size());
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        rest.resize(slash);
    }
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos) {
        throw std::invalid_argument("URL needs a port");
    }
    const std::string host = rest.substr(0, colon);
    if (host != "127.0.0.1") {
        throw std::invalid_argument("only http://127.0.0.1:PORT is allowed");
    }
    return {host, static_cast<unsigned short>(std::stoul(rest.substr(colon + 1)))};
}

/// The ids in a GET /jobs body (a JSON array of objects with an integer "id").
inline std::vector<std::int64_t> job_ids(const std::string& body) {
    std::vector<std::int64_t> ids;
    for (const auto& job : nlohmann::json::parse(body)) {
        ids.push_back(job.at("id").get<std::int64_t>());
    }
    return ids;
}

/// What a fan-out run measured.
struct fanout_out {
    std::size_t jobs = 0;
    std::size_t ok = 0;
    std::int64_t list_ns = 0;
    std::int64_t fanout_ns = 0;
};

/// Prints a fan-out result line (with the peak RSS of this process).
inline void print_fanout(const char* runtime, const params& p, const fanout_out& out) {
    result(runtime, p.mode)
        .add("jobs", out.jobs)
        .add("ok", out.ok)
        .add("list_ms", static_cast<double>(out.list_ns) / 1e6)
        .add("fanout_ms", static_cast<double>(out.fanout_ns) / 1e6)
        .add("vm_hwm_kb", status_kb("VmHWM"))
        .print();
}

/// The modes of one bench program.
struct modes {
    void (*spawn)(const params&);
    void (*timers)(const params&);
    void (*park)(const params&);
    void (*fanout)(const params&);
};

/// main() of a bench program: parses the command line and runs the mode. Exit 2 on a bad
/// command line, 1 if the mode failed.
inline int run_main(const char* program, int argc, char** argv, const modes& m) {
    params p;
    try {
        p = parse(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n%s", program, e.what(), usage_text);
        return 2;
    }
    try {
        if (p.mode == "spawn-ct" || p.mode == "spawn-mt") {
            m.spawn(p);
        } else if (p.mode == "timers") {
            m.timers(p);
        } else if (p.mode == "park") {
            m.park(p);
        } else {
            m.fanout(p);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s %s: %s\n", program, p.mode.c_str(), e.what());
        return 1;
    }
    return 0;
}

} // namespace bench
