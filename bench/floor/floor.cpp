// fanout_floor (bench/floor/floor.cpp): the cheapest possible client and server for the
// 2,000 x 100 ms fan-out, to find the floor of this machine (what any client can reach against a
// given server, and what any server can give a given client). Linux only: epoll, non-blocking
// sockets, no libraries beyond libc.
// Loopback only (the server binds 127.0.0.1; the client refuses other hosts).
//
//   fanout_floor client URL [CONCURRENCY [THREADS [inline|preconnect]]]
//       GET URL/jobs (ids scanned as every `"id":N` in the body), then one TCP connection per
//       id, each sending `GET /jobs/{id}` with `Connection: close` as soon as it is writable,
//       all at once (at most CONCURRENCY open, default all; a finished one starts the next).
//       THREADS (default 1) splits the ids round-robin over that many threads, each with its
//       own epoll. Reads each response to Content-Length or EOF, counts status 200.
//       Strategy `inline` (default) writes each request right after its connect(); `preconnect`
//       first opens every connection, then writes every request (same total work, requests
//       reach the server closer together). CONCURRENCY 0 means all.
//       Prints one JSON line:
//         fanout_ms                       first detail connect() -> last response complete
//         first_connect_to_last_send_ms   first connect() -> last request fully written
//         first_send_to_last_done_ms      first request written -> last response complete
//         connect_ms_p50 / _max           connect() -> the socket took the request
//         done_ms_p50 / first_done_ms     when responses completed (from the first connect)
//         t0_us, last_send_us             CLOCK_MONOTONIC us (mock_api's journal clock) of the
//                                         first connect() and the last request written
//         cpu_user_ms, cpu_sys_ms         this process's CPU time over the fan-out (getrusage)
//         list_ms, jobs, ok, threads, concurrency, strategy
//   fanout_floor server PORT_OR_0 JOBS DELAY_MS [THREADS]
//       HTTP/1.1 on 127.0.0.1: GET /jobs -> JSON array of JOBS objects {"id":i,...}, ids
//       1..JOBS, at once; GET /jobs/{id} -> a small JSON object DELAY_MS after the request was
//       read (a FIFO of deadlines on a timerfd, no sleeping). Keep-alive unless the request
//       says `Connection: close`. THREADS (default 1) workers share the listening socket
//       (EPOLLEXCLUSIVE), each with its own epoll and timer. A minimal journal in mock_api's
//       shape: GET /__admin/journal -> {"entries":[{"endpoint","received_us","finished_us"}]}
//       (CLOCK_MONOTONIC us), POST /__admin/reset empties it. First stdout line:
//       `listening on http://127.0.0.1:PORT` (flushed). Stops on SIGTERM/SIGINT.
//
// Build: the CMake target `fanout_floor` (bench/CMakeLists.txt, project warnings), e.g.
//   cmake --build build-bench-rt --target fanout_floor  ->  build-bench-rt/bench/fanout_floor
// Both modes raise RLIMIT_NOFILE to the hard limit. Driven by bench/fanout_floor.sh.

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <span>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using steady = std::chrono::steady_clock; // CLOCK_MONOTONIC on Linux, as mock_api's journal

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
        .count();
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "floor: %s: %s\n", what.c_str(), errno ? std::strerror(errno) : "error");
    std::exit(1);
}

void raise_nofile() {
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) {
            return false;
        }
    }
    return true;
}

// ------------------------------------------------------------------------------------------
// Client
// ------------------------------------------------------------------------------------------

/// An HTTP/1.1 response being read: status line, Content-Length, body (or to EOF).
struct response {
    std::string buf;
    std::size_t header_end = 0; // offset of the body, 0 while the headers are incomplete
    long content_length = -1;   // -1: until EOF
    int status = 0;

    /// Appends bytes; true once the response is complete by Content-Length.
    bool feed(const char* data, std::size_t n) {
        buf.append(data, n);
        if (header_end == 0) {
            const auto end = buf.find("\r\n\r\n");
            if (end == std::string::npos) {
                return false;
            }
            header_end = end + 4;
            std::string_view head(buf.data(), end);
            if (head.size() > 12 && head.starts_with("HTTP/1.")) {
                status = std::atoi(head.data() + 9);
            }
            std::size_t pos = 0;
            while ((pos = head.find("\r\n", pos)) != std::string_view::npos) {
                pos += 2;
                if (iequals_prefix(head.substr(pos), "content-length:")) {
                    content_length = std::atol(head.data() + pos + 15);
                }
            }
        }
        return content_length >= 0 &&
               buf.size() - header_end >= static_cast<std::size_t>(content_length);
    }
    std::string_view body() const { return std::string_view(buf).substr(header_end); }
};

struct target {
    sockaddr_in addr{};
    std::string host; // for the Host header
};

target parse_url(const std::string& url) {
    // http://127.0.0.1:PORT[/]
    constexpr std::string_view scheme = "http://";
    if (!url.starts_with(scheme)) {
        errno = 0;
        fail("URL must be http://127.0.0.1:PORT");
    }
    std::string rest = url.substr(scheme.size());
    if (const auto slash = rest.find('/'); slash != std::string::npos) {
        rest.resize(slash);
    }
    const auto colon = rest.rfind(':');
    target t;
    t.host = rest;
    t.addr.sin_family = AF_INET;
    t.addr.sin_port = htons(static_cast<std::uint16_t>(
        colon == std::string::npos ? 80 : std::atoi(rest.c_str() + colon + 1)));
    const std::string ip = rest.substr(0, colon);
    if (inet_pton(AF_INET, ip.c_str(), &t.addr.sin_addr) != 1 ||
        (ntohl(t.addr.sin_addr.s_addr) >> 24) != 127) {
        errno = 0;
        fail("loopback IPv4 address expected, got '" + ip + "'");
    }
    return t;
}

/// Blocking GET of one path; the whole response.
response blocking_get(const target& t, const std::string& path) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&t.addr), sizeof t.addr) != 0) {
        fail("connect for GET " + path);
    }
    const std::string req =
        "GET " + path + " HTTP/1.1\r\nHost: " + t.host + "\r\nConnection: close\r\n\r\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
        fail("send GET " + path);
    }
    response r;
    char buf[65536];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            fail("read GET " + path);
        }
        if (n == 0 || r.feed(buf, static_cast<std::size_t>(n))) {
            break;
        }
    }
    close(fd);
    return r;
}

/// Every `"id":N` in a JSON body (the list is an array of flat-enough objects).
std::vector<long> scan_ids(std::string_view body) {
    std::vector<long> ids;
    constexpr std::string_view key = "\"id\":";
    for (std::size_t pos = 0; (pos = body.find(key, pos)) != std::string_view::npos;) {
        pos += key.size();
        while (pos < body.size() && body[pos] == ' ') {
            ++pos;
        }
        ids.push_back(std::atol(body.data() + pos));
    }
    return ids;
}

/// One detail request in flight.
struct request {
    int fd = -1;
    std::string wire;       // the request bytes
    std::size_t sent = 0;   // bytes of `wire` written
    std::int64_t start = 0; // connect() called
    std::int64_t connected = 0;
    std::int64_t sent_at = 0;
    std::int64_t done_at = 0;
    response resp;
};

/// Runs the requests `mine` (indices into `reqs`) with at most `limit` open at once. With
/// `preconnect`, the first `limit` connections are all opened before any request is written.
void client_worker(const target& t,
                   std::vector<request>& reqs,
                   const std::vector<std::size_t>& mine,
                   std::size_t limit,
                   bool preconnect) {
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        fail("epoll_create1");
    }
    std::size_t next = 0, open = 0, finished = 0;
    auto finish = [&](request& r) {
        r.done_at = now_ns();
        close(r.fd); // also removes it from the epoll set
        r.fd = -1;
        --open;
        ++finished;
    };
    // Writes what is left of the request; false if the socket is not ready yet.
    auto try_send = [&](request& r) {
        while (r.sent < r.wire.size()) {
            const ssize_t n =
                send(r.fd, r.wire.data() + r.sent, r.wire.size() - r.sent, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == ENOTCONN || errno == EINTR) {
                    return false;
                }
                fail("send");
            }
            if (r.connected == 0) {
                r.connected = now_ns();
            }
            r.sent += static_cast<std::size_t>(n);
        }
        r.sent_at = now_ns();
        return true;
    };
    auto start_one = [&](std::size_t idx, bool send_now) {
        request& r = reqs[idx];
        r.start = now_ns();
        r.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (r.fd < 0) {
            fail("socket");
        }
        if (connect(r.fd, reinterpret_cast<const sockaddr*>(&t.addr), sizeof t.addr) != 0 &&
            errno != EINPROGRESS) {
            fail("connect");
        }
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        ev.data.u64 = idx;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, r.fd, &ev) != 0) {
            fail("epoll_ctl");
        }
        ++open;
        if (send_now) {
            try_send(r); // on loopback the handshake is usually done already
        }
    };
    // Reads everything available; true once the response is complete (or the peer closed).
    auto try_read = [&](request& r) {
        char buf[16384];
        for (;;) {
            const ssize_t n = read(r.fd, buf, sizeof buf);
            if (n > 0) {
                if (r.resp.feed(buf, static_cast<std::size_t>(n))) {
                    return true;
                }
                continue;
            }
            if (n == 0) {
                return true;
            }
            if (errno == EAGAIN) {
                return false;
            }
            if (errno == EINTR) {
                continue;
            }
            return true; // ECONNRESET etc.: counted as not 200 unless a status was read
        }
    };

    while (next < mine.size() && open < limit) {
        start_one(mine[next++], !preconnect);
    }
    if (preconnect) {
        for (std::size_t k = 0; k < next; ++k) {
            try_send(reqs[mine[k]]); // not yet connected: EPOLLOUT retries it
        }
    }
    std::vector<epoll_event> events(1024);
    while (finished < mine.size()) {
        const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 10000);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("epoll_wait");
        }
        if (n == 0) {
            errno = 0;
            fail("no progress for 10 s (" + std::to_string(mine.size() - finished) + " left)");
        }
        for (const epoll_event& ev : std::span(events.data(), static_cast<std::size_t>(n))) {
            request& r = reqs[ev.data.u64];
            if (r.fd < 0) {
                continue;
            }
            if (r.sent < r.wire.size() && !(ev.events & (EPOLLERR | EPOLLHUP))) {
                try_send(r);
            }
            if ((ev.events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) && try_read(r)) {
                finish(r);
                if (next < mine.size()) {
                    start_one(mine[next++], true);
                }
            }
        }
    }
    close(ep);
}

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

double tv_ms(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1e3 + static_cast<double>(tv.tv_usec) / 1e3;
}

double median(std::vector<std::int64_t> v) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    return ms(v[v.size() / 2]);
}

int run_client(const std::string& url, std::size_t limit, std::size_t threads, bool preconnect) {
    const target t = parse_url(url);
    const std::int64_t list_start = now_ns();
    const response list = blocking_get(t, "/jobs");
    if (list.status != 200) {
        errno = 0;
        fail("GET /jobs: status " + std::to_string(list.status));
    }
    const std::vector<long> ids = scan_ids(list.body());
    const std::int64_t list_ns = now_ns() - list_start;
    if (ids.empty()) {
        errno = 0;
        fail("GET /jobs: no ids");
    }

    std::vector<request> reqs(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        reqs[i].wire = "GET /jobs/" + std::to_string(ids[i]) + " HTTP/1.1\r\nHost: " + t.host +
                       "\r\nConnection: close\r\n\r\n";
        reqs[i].resp.buf.reserve(512);
    }
    threads = std::clamp<std::size_t>(threads, 1, ids.size());
    limit = limit == 0 ? ids.size() : limit;
    std::vector<std::vector<std::size_t>> shares(threads);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        shares[i % threads].push_back(i);
    }
    const std::size_t per_thread = std::max<std::size_t>(1, (limit + threads - 1) / threads);

    rusage ru0{}, ru1{};
    getrusage(RUSAGE_SELF, &ru0);
    const std::int64_t t0 = now_ns();
    if (threads == 1) {
        client_worker(t, reqs, shares[0], per_thread, preconnect);
    } else {
        std::vector<std::thread> pool;
        for (std::size_t k = 0; k < threads; ++k) {
            pool.emplace_back(
                [&, k] { client_worker(t, reqs, shares[k], per_thread, preconnect); });
        }
        for (auto& th : pool) {
            th.join();
        }
    }
    getrusage(RUSAGE_SELF, &ru1);
    const std::int64_t first_start =
        std::min_element(reqs.begin(), reqs.end(), [](auto& a, auto& b) {
            return a.start < b.start;
        })->start;
    std::int64_t last_send = 0, last_done = 0, first_done = INT64_MAX, first_send = INT64_MAX;
    std::size_t ok = 0;
    std::vector<std::int64_t> connect_ns, done_ns;
    for (const auto& r : reqs) {
        last_send = std::max(last_send, r.sent_at);
        first_send = std::min(first_send, r.sent_at);
        last_done = std::max(last_done, r.done_at);
        first_done = std::min(first_done, r.done_at);
        connect_ns.push_back(r.connected - r.start);
        done_ns.push_back(r.done_at - first_start);
        ok += r.resp.status == 200 ? 1 : 0;
    }
    std::printf("{\"program\":\"floor\",\"mode\":\"client\",\"jobs\":%zu,\"ok\":%zu,"
                "\"threads\":%zu,\"concurrency\":%zu,\"strategy\":\"%s\",\"list_ms\":%.3f,\"fanout_"
                "ms\":%.3f,"
                "\"first_connect_to_last_send_ms\":%.3f,\"first_send_to_last_done_ms\":%.3f,"
                "\"connect_ms_p50\":%.3f,"
                "\"connect_ms_max\":%.3f,\"first_done_ms\":%.3f,\"done_ms_p50\":%.3f,"
                "\"setup_to_first_connect_ms\":%.3f,\"cpu_user_ms\":%.3f,\"cpu_sys_ms\":%.3f,"
                "\"t0_us\":%" PRId64 ",\"last_send_us\":%" PRId64 "}\n",
                ids.size(),
                ok,
                threads,
                limit,
                preconnect ? "preconnect" : "inline",
                ms(list_ns),
                ms(last_done - first_start),
                ms(last_send - first_start),
                ms(last_done - first_send),
                median(connect_ns),
                ms(*std::max_element(connect_ns.begin(), connect_ns.end())),
                ms(first_done - first_start),
                median(done_ns),
                ms(first_start - t0),
                tv_ms(ru1.ru_utime) - tv_ms(ru0.ru_utime),
                tv_ms(ru1.ru_stime) - tv_ms(ru0.ru_stime),
                first_start / 1000,
                last_send / 1000);
    return ok == ids.size() ? 0 : 1;
}

// ------------------------------------------------------------------------------------------
// Server
// ------------------------------------------------------------------------------------------

struct journal_entry {
    bool detail;
    std::int64_t received_us;
    std::int64_t finished_us;
};

struct shared_state {
    int listen_fd = -1;
    int stop_fd = -1;          // eventfd, readable once stopping
    std::string list_response; // whole response for GET /jobs (keep-alive variant)
    long jobs = 0;
    std::int64_t delay_ns = 0;
    std::mutex journal_mutex;
    std::vector<journal_entry> journal;
};

struct connection {
    int fd = -1;
    std::uint64_t gen = 0; // tells a reused fd's new connection from the old one
    std::string in;
    std::string out; // unwritten response bytes
    bool close_after = false;
    bool waiting = false;   // a detail is due on the timer
    bool answering = false; // `out` holds (or held) an answer not yet fully written
    std::int64_t received_ns = 0;
    bool detail = false;
};

struct pending {
    std::int64_t due_ns;
    int fd;
    std::uint64_t gen;
    long id;
    bool keep_alive;
};

std::string http_response(int status, std::string_view body, bool keep_alive) {
    std::string r =
        "HTTP/1.1 " + std::to_string(status) +
        (status == 200   ? " OK"
         : status == 404 ? " Not Found"
                         : " Bad Request") +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        (keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
    r.append(body);
    return r;
}

std::string detail_body(long id) {
    return "{\"id\":" + std::to_string(id) + ",\"name\":\"job-" + std::to_string(id) +
           "\",\"status\":\"completed\",\"owner\":\"floor\",\"duration_ms\":" +
           std::to_string(id * 7 % 5000) +
           ",\"finished_at\":null,\"priority\":0,\"queue\":\"batch\",\"tags\":[\"ci\"]}";
}

class server_worker {
  public:
    explicit server_worker(shared_state& s) : s_(s) {
        ep_ = epoll_create1(EPOLL_CLOEXEC);
        timer_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (ep_ < 0 || timer_ < 0) {
            fail("epoll/timerfd");
        }
        add(s_.listen_fd, EPOLLIN | EPOLLEXCLUSIVE, listen_tag);
        add(s_.stop_fd, EPOLLIN, stop_tag);
        add(timer_, EPOLLIN, timer_tag);
    }
    ~server_worker() {
        for (auto& c : conns_) {
            if (c.fd >= 0) {
                close(c.fd);
            }
        }
        close(timer_);
        close(ep_);
    }

    void run() {
        std::vector<epoll_event> events(1024);
        for (;;) {
            const int n = epoll_wait(ep_, events.data(), static_cast<int>(events.size()), -1);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                fail("epoll_wait");
            }
            for (const epoll_event& ev : std::span(events.data(), static_cast<std::size_t>(n))) {
                const std::uint64_t tag = ev.data.u64;
                if (tag == stop_tag) {
                    return;
                }
                if (tag == listen_tag) {
                    accept_all();
                } else if (tag == timer_tag) {
                    std::uint64_t expirations;
                    (void)!read(timer_, &expirations, sizeof expirations);
                    fire_due();
                } else {
                    const int fd = static_cast<int>(tag);
                    if (ev.events & EPOLLOUT) {
                        flush(fd);
                    }
                    if (conn(fd).fd >= 0 &&
                        (ev.events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))) {
                        on_readable(fd);
                    }
                }
            }
        }
    }

  private:
    static constexpr std::uint64_t listen_tag = 1ULL << 40, stop_tag = listen_tag + 1,
                                   timer_tag = listen_tag + 2;

    void add(int fd, std::uint32_t events, std::uint64_t tag) {
        epoll_event ev{};
        ev.events = events;
        ev.data.u64 = tag;
        if (epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) != 0) {
            fail("epoll_ctl");
        }
    }

    connection& conn(int fd) {
        if (static_cast<std::size_t>(fd) >= conns_.size()) {
            conns_.resize(static_cast<std::size_t>(fd) + 1024);
        }
        return conns_[static_cast<std::size_t>(fd)];
    }

    void accept_all() {
        for (;;) {
            const int fd = accept4(s_.listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) {
                    return;
                }
                if (errno == EMFILE || errno == ENFILE) {
                    std::fprintf(stderr, "floor server: accept: %s\n", std::strerror(errno));
                    return;
                }
                fail("accept4");
            }
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            connection& c = conn(fd);
            c = connection{};
            c.fd = fd;
            c.gen = ++gen_;
            add(fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, static_cast<std::uint64_t>(fd));
            on_readable(fd); // the request is usually there already
        }
    }

    void close_conn(int fd) {
        connection& c = conn(fd);
        close(fd);
        c.fd = -1;
        c.in.clear();
        c.out.clear();
    }

    void on_readable(int fd) {
        connection& c = conn(fd);
        char buf[8192];
        for (;;) {
            const ssize_t n = read(fd, buf, sizeof buf);
            if (n > 0) {
                c.in.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0 && errno == EAGAIN) {
                break;
            }
            // EOF or error: the client is gone (a pending detail is dropped when due).
            close_conn(fd);
            return;
        }
        handle_requests(fd);
    }

    /// Parses complete requests from c.in while no answer is outstanding.
    void handle_requests(int fd) {
        connection& c = conn(fd);
        while (c.fd >= 0 && !c.waiting && c.out.empty()) {
            const auto end = c.in.find("\r\n\r\n");
            if (end == std::string::npos) {
                return;
            }
            const std::string head = c.in.substr(0, end);
            c.in.erase(0, end + 4);
            const std::int64_t received = now_ns();
            const auto sp1 = head.find(' ');
            const auto sp2 = head.find(' ', sp1 + 1);
            const std::string method = head.substr(0, sp1);
            const std::string path = sp1 == std::string::npos || sp2 == std::string::npos
                                         ? std::string()
                                         : head.substr(sp1 + 1, sp2 - sp1 - 1);
            bool keep_alive = head.find(" HTTP/1.1") != std::string::npos;
            for (std::size_t pos = 0; (pos = head.find("\r\n", pos)) != std::string::npos;) {
                pos += 2;
                if (iequals_prefix(std::string_view(head).substr(pos), "connection:")) {
                    const auto value = head.substr(pos + 11, head.find("\r\n", pos) - pos - 11);
                    keep_alive = value.find("close") == std::string::npos &&
                                 value.find("Close") == std::string::npos;
                }
            }
            c.close_after = !keep_alive;
            c.received_ns = received;
            c.detail = false;
            if (method == "GET" && path == "/jobs") {
                respond(fd,
                        keep_alive ? s_.list_response
                                   : http_response(200, list_body_view(), false));
            } else if (method == "GET" && path.starts_with("/jobs/")) {
                char* endp = nullptr;
                const long id = std::strtol(path.c_str() + 6, &endp, 10);
                if (*endp != '\0' || id < 1 || id > s_.jobs) {
                    respond(fd, http_response(404, "{\"error\":\"no such job\"}", keep_alive));
                } else {
                    c.waiting = true;
                    c.detail = true;
                    queue_.push_back({received + s_.delay_ns, fd, c.gen, id, keep_alive});
                    if (queue_.size() == 1) {
                        arm();
                    }
                }
            } else if (method == "GET" && path == "/__admin/journal") {
                respond(fd, http_response(200, journal_json(), keep_alive));
            } else if (method == "POST" && path == "/__admin/reset") {
                {
                    const std::lock_guard lock(s_.journal_mutex);
                    s_.journal.clear();
                }
                respond(fd, http_response(200, "{\"reset\":true}", keep_alive));
            } else {
                respond(fd, http_response(404, "{\"error\":\"not found\"}", keep_alive));
            }
        }
    }

    std::string_view list_body_view() const {
        const auto& r = s_.list_response;
        return std::string_view(r).substr(r.find("\r\n\r\n") + 4);
    }

    std::string journal_json() {
        const std::lock_guard lock(s_.journal_mutex);
        std::string j =
            "{\"format\":\"floor.journal/1\",\"clock\":\"CLOCK_MONOTONIC\",\"entries\":[";
        for (std::size_t i = 0; i < s_.journal.size(); ++i) {
            const auto& e = s_.journal[i];
            j += (i ? ",{\"endpoint\":\"" : "{\"endpoint\":\"") +
                 std::string(e.detail ? "detail" : "list") +
                 "\",\"received_us\":" + std::to_string(e.received_us) +
                 ",\"finished_us\":" + std::to_string(e.finished_us) + "}";
        }
        return j + "]}";
    }

    void respond(int fd, std::string wire) {
        connection& c = conn(fd);
        c.out = std::move(wire);
        c.answering = true;
        flush(fd);
    }

    /// Writes c.out; on completion journals the request and closes or reads the next one.
    void flush(int fd) {
        connection& c = conn(fd);
        while (!c.out.empty()) {
            const ssize_t n = send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                if (errno == EAGAIN) {
                    return; // EPOLLOUT (edge-triggered) resumes
                }
                close_conn(fd);
                return;
            }
            c.out.erase(0, static_cast<std::size_t>(n));
        }
        if (!c.answering) {
            return; // nothing was being answered (a spurious EPOLLOUT)
        }
        c.answering = false;
        {
            const std::lock_guard lock(s_.journal_mutex);
            s_.journal.push_back({c.detail, c.received_ns / 1000, now_ns() / 1000});
        }
        if (c.close_after) {
            close_conn(fd);
        } else {
            handle_requests(fd);
        }
    }

    void arm() {
        itimerspec ts{};
        if (!queue_.empty()) {
            const std::int64_t due = std::max<std::int64_t>(queue_.front().due_ns, 1);
            ts.it_value.tv_sec = due / 1'000'000'000;
            ts.it_value.tv_nsec = due % 1'000'000'000;
        }
        timerfd_settime(timer_, TFD_TIMER_ABSTIME, &ts, nullptr);
    }

    void fire_due() {
        const std::int64_t now = now_ns();
        // Every delay is the same, so deadlines are in FIFO order.
        while (!queue_.empty() && queue_.front().due_ns <= now) {
            const pending p = queue_.front();
            queue_.pop_front();
            connection& c = conn(p.fd);
            if (c.fd != p.fd || c.gen != p.gen) {
                continue; // the client hung up meanwhile
            }
            c.waiting = false;
            respond(p.fd, http_response(200, detail_body(p.id), p.keep_alive));
        }
        arm();
    }

    shared_state& s_;
    int ep_ = -1;
    int timer_ = -1;
    std::uint64_t gen_ = 0;
    std::vector<connection> conns_;
    std::deque<pending> queue_;
};

int run_server(int port, long jobs, long delay_ms, std::size_t threads) {
    shared_state s;
    s.jobs = jobs;
    s.delay_ns = delay_ms * 1'000'000;
    std::string body = "[";
    for (long i = 1; i <= jobs; ++i) {
        body += (i > 1 ? ",{\"id\":" : "{\"id\":") + std::to_string(i) + ",\"name\":\"job-" +
                std::to_string(i) +
                "\",\"status\":\"queued\",\"priority\":" + std::to_string(i % 5) + "}";
    }
    body += "]";
    s.list_response = http_response(200, body, true);

    // Signals are taken by sigwait in the main thread only.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    s.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(s.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s.listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(s.listen_fd, 4096) != 0) {
        fail("bind/listen 127.0.0.1:" + std::to_string(port));
    }
    socklen_t len = sizeof addr;
    getsockname(s.listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    s.stop_fd = eventfd(0, EFD_CLOEXEC);

    std::vector<std::thread> pool;
    for (std::size_t k = 0; k < threads; ++k) {
        pool.emplace_back([&s] {
            server_worker w(s);
            w.run();
        });
    }
    std::printf("listening on http://127.0.0.1:%d\n", ntohs(addr.sin_port));
    std::fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    const std::uint64_t one64 = 1;
    (void)!write(s.stop_fd, &one64, sizeof one64);
    for (auto& th : pool) {
        th.join();
    }
    close(s.listen_fd);
    return 0;
}

int usage() {
    std::fprintf(stderr,
                 "usage: fanout_floor client URL [CONCURRENCY [THREADS [inline|preconnect]]]\n"
                 "       fanout_floor server PORT_OR_0 JOBS DELAY_MS [THREADS]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    raise_nofile();
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() >= 2 && args.size() <= 5 && args[0] == "client") {
        const long limit = args.size() > 2 ? std::atol(args[2].c_str()) : 0;
        const long threads = args.size() > 3 ? std::atol(args[3].c_str()) : 1;
        const std::string strategy = args.size() > 4 ? args[4] : "inline";
        if (limit < 0 || threads < 1 || (strategy != "inline" && strategy != "preconnect")) {
            return usage();
        }
        return run_client(args[1],
                          static_cast<std::size_t>(limit),
                          static_cast<std::size_t>(threads),
                          strategy == "preconnect");
    }
    if (args.size() >= 4 && args.size() <= 5 && args[0] == "server") {
        const int port = std::atoi(args[1].c_str());
        const long jobs = std::atol(args[2].c_str());
        const long delay = std::atol(args[3].c_str());
        const long threads = args.size() > 4 ? std::atol(args[4].c_str()) : 1;
        if (port < 0 || port > 65535 || jobs < 0 || delay < 0 || threads < 1) {
            return usage();
        }
        return run_server(port, jobs, delay, static_cast<std::size_t>(threads));
    }
    return usage();
}
