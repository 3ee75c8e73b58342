// latency_client: opens N connections at once, sends one `GET /jobs/{id}` on each and prints
// the client-side send -> full-response latency as a one-line JSON summary on stdout.
//
// Usage: latency_client --url http://127.0.0.1:PORT --concurrency N
//                       [--ids 1,2,3] [--spread-ms 0] [--timeout-ms 10000] [--samples]
//   Without --ids the ids are read from GET /jobs; the requests take them round-robin.
//   All N sockets connect first, then every request is sent in one burst (or paced evenly over
//   --spread-ms), so N requests are in flight together: one thread, epoll, non-blocking sockets.
//   Summary: count, ok, errors (+ error_kinds), latency_ms {p50, p99, max} over the answered
//   requests, send_window_ms (first to last send), cpu_ms (this process, during the run).
//   --samples adds every request's id and steady_clock send/done times (microseconds; the
//   clock is CLOCK_MONOTONIC on Linux, the clock of mock_api's journal).
//   Exit codes: 0 every request answered 200, 1 some failed, 2 usage or setup error.

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <map>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;

struct options {
    sockaddr_in addr{};
    std::string host; ///< "127.0.0.1:PORT", for the Host header
    int concurrency = 0;
    std::vector<std::int64_t> ids;
    int spread_ms = 0;
    int timeout_ms = 10000;
    bool samples = false;
};

/// One connection carrying one request; `error` stays empty while all goes well.
struct slot {
    int fd = -1;
    std::int64_t id = 0;
    bool connected = false;
    bool done = false;
    std::string response;
    steady::time_point sent_at;
    steady::time_point done_at;
    std::string error;
};

/// Reads the command line; throws std::invalid_argument on anything unexpected.
options parse_args(int argc, char** argv) {
    options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--samples") {
            opt.samples = true;
            continue;
        }
        if (i + 1 >= argc) {
            throw std::invalid_argument("missing value after " + arg);
        }
        const std::string value = argv[++i];
        if (arg == "--url" && value.rfind("http://", 0) == 0 &&
            value.find(':', 7) != std::string::npos) {
            opt.host = value.substr(7, value.find('/', 7) - 7); // no path
            const std::string ip = opt.host.substr(0, opt.host.find(':'));
            const int port = std::stoi(opt.host.substr(ip.size() + 1));
            opt.addr.sin_family = AF_INET;
            opt.addr.sin_port = htons(static_cast<std::uint16_t>(port));
            if (::inet_pton(AF_INET, ip.c_str(), &opt.addr.sin_addr) != 1 || port < 1 ||
                port > 65535) {
                throw std::invalid_argument("bad --url " + value);
            }
        } else if (arg == "--concurrency") {
            opt.concurrency = std::stoi(value);
        } else if (arg == "--spread-ms") {
            opt.spread_ms = std::stoi(value);
        } else if (arg == "--timeout-ms") {
            opt.timeout_ms = std::stoi(value);
        } else if (arg == "--ids") {
            std::istringstream list(value);
            for (std::string item; std::getline(list, item, ',');) {
                opt.ids.push_back(std::stoll(item));
            }
        } else {
            throw std::invalid_argument("unknown option or bad value: " + arg + " " + value);
        }
    }
    if (opt.host.empty() || opt.concurrency < 1 || opt.spread_ms < 0 || opt.timeout_ms < 1) {
        throw std::invalid_argument("need --url http://IPV4:PORT and --concurrency N >= 1");
    }
    return opt;
}

/// Lifts the soft open-file limit to the hard one: every connection is a descriptor.
void raise_fd_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &lim);
    }
}

/// Where the body starts once the whole response is in `r`, else npos. Without a
/// Content-Length (header names are case-blind) the response ends at EOF.
std::size_t complete_body(const std::string& r, bool eof) {
    const std::size_t head_end = r.find("\r\n\r\n");
    if (head_end == std::string::npos) {
        return std::string::npos;
    }
    std::string head = r.substr(0, head_end);
    std::transform(head.begin(), head.end(), head.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    const std::size_t at = head.find("\r\ncontent-length:");
    const bool whole = at == std::string::npos
                           ? eof
                           : r.size() >= head_end + 4 + std::stoull(head.substr(at + 17));
    return whole ? head_end + 4 : std::string::npos;
}

/// The three-digit status of a response, "???" if it is too short to have one.
std::string status_of(const std::string& r) { return r.size() >= 12 ? r.substr(9, 3) : "???"; }

/// Blocking `GET /jobs`, returning every `id` of the list (used when --ids is not given).
std::vector<std::int64_t> fetch_ids(const options& opt) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 ||
        ::connect(fd, reinterpret_cast<const sockaddr*>(&opt.addr), sizeof opt.addr) != 0) {
        throw std::runtime_error(std::string("GET /jobs: connect: ") + std::strerror(errno));
    }
    const std::string req =
        "GET /jobs HTTP/1.1\r\nHost: " + opt.host + "\r\nConnection: close\r\n\r\n";
    std::string response;
    char buf[65536];
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
        for (ssize_t n = 0; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) {
            response.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    const std::size_t body = complete_body(response, true);
    if (body == std::string::npos || status_of(response) != "200") {
        throw std::runtime_error("GET /jobs failed");
    }
    std::vector<std::int64_t> ids;
    for (const auto& job : nlohmann::json::parse(response.substr(body))) {
        ids.push_back(job.at("id").get<std::int64_t>());
    }
    return ids;
}

/// Marks a slot done, failed with `error` unless it is empty, and closes its socket.
void finish(slot& s, const std::string& error) {
    s.error = error;
    s.done = true;
    ::close(s.fd);
    s.fd = -1;
}

/// Reads what is available; marks the slot done once the whole response is in.
void on_readable(slot& s) {
    char buf[16384];
    ssize_t n = 0;
    while ((n = ::recv(s.fd, buf, sizeof buf, 0)) > 0) {
        s.response.append(buf, static_cast<std::size_t>(n));
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        return finish(s, std::string("recv: ") + std::strerror(errno));
    }
    if (complete_body(s.response, n == 0) == std::string::npos) {
        if (n == 0) {
            finish(s, s.response.empty() ? "empty reply" : "truncated reply");
        }
        return;
    }
    s.done_at = steady::now();
    const std::string status = status_of(s.response);
    finish(s, status == "200" ? "" : "status " + status);
}

/// Nearest-rank percentile of sorted values (the bench script uses the same definition).
double percentile(const std::vector<double>& sorted, double p) {
    const auto rank =
        static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted.empty() ? 0.0 : sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

/// A duration in fractional milliseconds.
template <typename Rep, typename Period>
double ms(std::chrono::duration<Rep, Period> d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

/// Microseconds on the steady clock, comparable with mock_api's journal timestamps.
std::int64_t to_us(steady::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

/// CPU time (user + system) this process has used so far, in milliseconds.
double process_cpu_ms() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto sum = [](timeval t) {
        return ms(std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec));
    };
    return sum(usage.ru_utime) + sum(usage.ru_stime);
}

/// One run: N connections, one request each, all in flight together. Single-threaded.
class burst {
  public:
    explicit burst(const options& opt)
        : opt_(opt), slots_(static_cast<std::size_t>(opt.concurrency)),
          ep_(::epoll_create1(EPOLL_CLOEXEC)),
          deadline_(steady::now() + std::chrono::milliseconds(opt.timeout_ms)) {}
    ~burst() { ::close(ep_); }
    burst(const burst&) = delete;
    burst& operator=(const burst&) = delete;

    /// Connects, sends, collects, and summarises as JSON.
    nlohmann::json run() {
        cpu_start_ms_ = process_cpu_ms();
        connect_all();
        send_all();
        pump([this](std::size_t i) {
            if (!slots_[i].done) {
                on_readable(slots_[i]);
                pending_ -= slots_[i].done ? 1U : 0U;
            }
        });
        return summary();
    }

  private:
    /// Phase 1: starts every connect, then waits until each is established or failed.
    void connect_all() {
        for (std::size_t i = 0; i < slots_.size(); ++i) {
            slot& s = slots_[i];
            s.id = opt_.ids[i % opt_.ids.size()];
            s.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            const auto* addr = reinterpret_cast<const sockaddr*>(&opt_.addr);
            if (s.fd < 0 ||
                (::connect(s.fd, addr, sizeof opt_.addr) != 0 && errno != EINPROGRESS)) {
                finish(s, std::string("connect: ") + std::strerror(errno));
                continue;
            }
            watch(EPOLL_CTL_ADD, i, EPOLLOUT);
            ++pending_;
        }
        pump([this](std::size_t i) {
            if (slots_[i].connected || slots_[i].done) {
                return; // a hang-up reported again: events 0 still gets EPOLLHUP
            }
            int err = 0;
            socklen_t len = sizeof err;
            ::getsockopt(slots_[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
            --pending_;
            if (err != 0) {
                return finish(slots_[i], std::string("connect: ") + std::strerror(err));
            }
            slots_[i].connected = true;
            watch(EPOLL_CTL_MOD, i, 0); // quiet until the request is sent
        });
    }

    /// Phase 2: one request per connection, back to back or paced over --spread-ms. A request
    /// of ~80 bytes always fits a fresh socket's send buffer, so send() does not block.
    void send_all() {
        first_send_ = steady::now();
        for (std::size_t i = 0; i < slots_.size(); ++i) {
            slot& s = slots_[i];
            if (!s.connected) {
                if (!s.done) {
                    finish(s, "connect timed out");
                }
                continue;
            }
            const double share = static_cast<double>(i) / static_cast<double>(slots_.size());
            std::this_thread::sleep_until(first_send_ +
                                          std::chrono::milliseconds(opt_.spread_ms) * share);
            const std::string request = "GET /jobs/" + std::to_string(s.id) +
                                        " HTTP/1.1\r\nHost: " + opt_.host +
                                        "\r\nConnection: close\r\n\r\n";
            s.sent_at = steady::now();
            if (::send(s.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
                static_cast<ssize_t>(request.size())) {
                finish(s, std::string("send: ") + std::strerror(errno));
                continue;
            }
            watch(EPOLL_CTL_MOD, i, EPOLLIN | EPOLLRDHUP);
            ++pending_;
        }
        last_send_ = steady::now();
    }

    /// Registers (EPOLL_CTL_ADD) or changes (EPOLL_CTL_MOD) the events watched on slot `i`.
    void watch(int op, std::size_t i, std::uint32_t events) {
        epoll_event ev{};
        ev.events = events;
        ev.data.u64 = i;
        ::epoll_ctl(ep_, op, slots_[i].fd, &ev);
    }

    /// Runs epoll until `pending_` is zero or the deadline passes; `step` gets a slot index.
    template <typename Step>
    void pump(Step step) {
        std::vector<epoll_event> events(1024);
        while (pending_ > 0 && steady::now() < deadline_) {
            const auto left =
                std::chrono::ceil<std::chrono::milliseconds>(deadline_ - steady::now());
            const int n = ::epoll_wait(ep_,
                                       events.data(),
                                       static_cast<int>(events.size()),
                                       static_cast<int>(left.count()));
            for (int k = 0; k < n; ++k) {
                step(static_cast<std::size_t>(events[static_cast<std::size_t>(k)].data.u64));
            }
        }
    }

    /// Latency percentiles over the answered requests, errors by kind, optional samples.
    nlohmann::json summary() {
        std::vector<double> latencies;
        std::map<std::string, int> errors;
        nlohmann::json samples = nlohmann::json::array();
        for (slot& s : slots_) {
            if (!s.done) {
                finish(s, "timed out");
            }
            if (!s.error.empty()) {
                ++errors[s.error];
                continue;
            }
            latencies.push_back(ms(s.done_at - s.sent_at));
            if (opt_.samples) {
                samples.push_back(
                    {{"id", s.id}, {"sent_us", to_us(s.sent_at)}, {"done_us", to_us(s.done_at)}});
            }
        }
        std::sort(latencies.begin(), latencies.end());
        nlohmann::json out = {{"concurrency", opt_.concurrency},
                              {"count", slots_.size()},
                              {"ok", latencies.size()},
                              {"errors", slots_.size() - latencies.size()},
                              {"error_kinds", errors},
                              {"send_window_ms", ms(last_send_ - first_send_)},
                              {"cpu_ms", process_cpu_ms() - cpu_start_ms_},
                              {"latency_ms",
                               {{"p50", percentile(latencies, 50)},
                                {"p99", percentile(latencies, 99)},
                                {"max", latencies.empty() ? 0.0 : latencies.back()}}}};
        if (opt_.samples) {
            out["samples"] = std::move(samples);
        }
        return out;
    }

    const options& opt_;
    std::vector<slot> slots_;
    int ep_;
    steady::time_point deadline_;
    std::size_t pending_ = 0; ///< slots whose current phase is not over yet
    steady::time_point first_send_;
    steady::time_point last_send_;
    double cpu_start_ms_ = 0.0;
};

} // namespace

int main(int argc, char** argv) {
    options opt;
    try {
        opt = parse_args(argc, argv);
        raise_fd_limit();
        if (opt.ids.empty()) {
            opt.ids = fetch_ids(opt);
        }
        if (opt.ids.empty()) {
            throw std::runtime_error("no job ids to request");
        }
    } catch (const std::exception& e) {
        std::cerr << "latency_client: " << e.what() << "\n";
        return 2;
    }
    const nlohmann::json summary = burst(opt).run();
    std::cout << summary.dump() << std::endl;
    return summary.at("errors").get<std::size_t>() == 0 ? 0 : 1;
}
