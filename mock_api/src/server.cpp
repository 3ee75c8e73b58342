#include "mock_api/server.hpp"

#include "detail/connection.hpp"
#include "detail/connection_pool.hpp"
#include "detail/connection_registry.hpp"
#include "detail/socket_stream.hpp"
#include "mock_api/dataset.hpp"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <httplib.h>
#include <map>
#include <mutex>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>

namespace mock_api {

namespace detail {
namespace {
thread_local connection* tls_connection = nullptr;
thread_local bool tls_refusing = false;
} // namespace
connection* current_connection() { return tls_connection; }
void set_current_connection(connection* c) { tls_connection = c; }
bool refusing() { return tls_refusing; }
void set_refusing(bool on) { tls_refusing = on; }
} // namespace detail

namespace {

using detail::connection;
using detail::end_mode;
using httplib::Request;
using httplib::Response;

enum class wait_result { elapsed, client_gone, stopping };

/// Waits until `deadline_us` (none: forever) unless the client hangs up or the server stops.
/// Only a hang-up counts, not readable data: a pipelining client is still there.
wait_result wait_on(int conn_fd, int stop_fd, std::optional<std::int64_t> deadline_us) {
    for (;;) {
        timespec ts{};
        timespec* timeout = nullptr;
        if (deadline_us) {
            const std::int64_t left = *deadline_us - monotonic_us();
            if (left <= 0) {
                return wait_result::elapsed;
            }
            ts.tv_sec = left / 1000000;
            ts.tv_nsec = (left % 1000000) * 1000;
            timeout = &ts;
        }
        pollfd fds[2] = {{conn_fd, POLLRDHUP, 0}, {stop_fd, POLLIN, 0}};
        const int rc = ::ppoll(fds, 2, timeout, nullptr);
        if (rc < 0 && errno != EINTR) {
            return wait_result::client_gone;
        }
        if (rc > 0 && fds[1].revents != 0) {
            return wait_result::stopping;
        }
        if (rc > 0 && (fds[0].revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
            return wait_result::client_gone;
        }
    }
}

const char* outcome_of(wait_result r) {
    return r == wait_result::stopping ? "server_stopped" : "client_closed";
}

struct route {
    enum class kind { list, detail, admin_journal, admin_reset, not_found, bad_method } what;
    std::optional<std::int64_t> id;
};

route classify(const Request& req, bool admin) {
    const std::string& p = req.path;
    const bool get = req.method == "GET";
    if (p == "/jobs") {
        return {get ? route::kind::list : route::kind::bad_method, {}};
    }
    if (p.rfind("/jobs/", 0) == 0 && p.size() > 6) {
        std::int64_t id = 0;
        const char* first = p.data() + 6;
        const char* last = p.data() + p.size();
        const auto [end, ec] = std::from_chars(first, last, id);
        if (ec == std::errc{} && end == last && *first != '-' && *first != '+') {
            return {get ? route::kind::detail : route::kind::bad_method, id};
        }
        return {route::kind::not_found, {}};
    }
    if (admin && p == "/__admin/journal") {
        return {get ? route::kind::admin_journal : route::kind::bad_method, {}};
    }
    if (admin && p == "/__admin/reset") {
        return {req.method == "POST" ? route::kind::admin_reset : route::kind::bad_method, {}};
    }
    return {route::kind::not_found, {}};
}

// Distinct (endpoint, id) pairs whose attempts are counted beyond the dataset's own ids.
constexpr std::size_t max_attempt_keys = 65536;

std::string error_json(const std::string& message) {
    return nlohmann::json{{"error", message}}.dump();
}

class jobs_service;

// httplib::Server with our own per-connection loop. process_and_close_socket is httplib's
// virtual hook for serving one accepted socket (the TLS server overrides it too); taking it
// over is how the mock reaches the connection: the socket for resets and empty replies, a
// connection id for the journal, and keep-alive waits that end when the server stops.
class instrumented_server : public httplib::Server {
  public:
    explicit instrumented_server(jobs_service& owner) : owner_(owner) {}

  private:
    bool process_and_close_socket(socket_t sock) override;
    jobs_service& owner_;
};

class jobs_service {
  public:
    jobs_service(scenario s, server_options options);
    ~jobs_service();
    jobs_service(const jobs_service&) = delete;
    jobs_service& operator=(const jobs_service&) = delete;

    common::result<bound_address> start();
    void stop();
    journal_snapshot snapshot() const { return log_.snapshot(); }

    // Used by instrumented_server's connection loop.
    bool wait_for_request(int fd, int timeout_ms) const;
    void open_connection(connection& c);
    bool begin_head(connection& c);
    bool back_to_idle(connection& c);
    void close_connection(connection& c);
    void refuse_connection(int fd);
    detail::stream_limits stream_limits(int read_timeout_ms, int write_timeout_ms) const;
    bool stopping() const { return stopping_.load(); }
    std::uint64_t next_connection_id() { return ++connections_; }

  private:
    httplib::Server::HandlerResponse handle(const Request& req, Response& res);
    void serve_admin(route::kind what, Response& res);
    void begin_request(connection& c, const Request& req, const route& r);
    void serve_api(connection& c, const route& r, Response& res);
    void serve_fault(connection& c, const fault& f, const std::string& body, Response& res);
    void on_response(const Request& req, const Response& res);
    void finish(connection& c, int status, const std::string& outcome);
    static void end_without_answer(connection& c, end_mode how, std::string outcome);
    int next_attempt(const route& r);

    scenario scene_;
    server_options options_;
    std::string list_json_;
    std::unordered_map<std::int64_t, std::string> detail_json_;
    mutable journal log_;
    std::mutex attempts_mutex_;
    std::map<std::pair<int, std::int64_t>, int> attempts_;
    std::atomic<int> in_flight_{0};
    std::atomic<std::uint64_t> connections_{0};
    std::atomic<bool> stopping_{false};
    detail::connection_registry registry_{log_}; ///< idle and reading connections, for eviction
    int stop_fd_ = -1;   ///< eventfd, readable once stop() began: wakes every wait at once
    int listen_fd_ = -1; ///< seen in the socket-options callback, before bind()
    std::unique_ptr<instrumented_server> http_;
    std::thread listener_;
    std::mutex lifecycle_;
    bool started_ = false;
    bool stopped_ = false;
};

bool instrumented_server::process_and_close_socket(socket_t sock) {
    if (detail::refusing()) {
        owner_.refuse_connection(sock);
        return false;
    }
    connection c;
    c.fd = sock;
    c.id = owner_.next_connection_id();
    detail::describe_peer(c);
    detail::set_current_connection(&c);
    owner_.open_connection(c);
    const auto ms = [](time_t sec, time_t usec) {
        return static_cast<int>(sec * 1000 + usec / 1000);
    };
    detail::socket_stream strm(c,
                               owner_.stream_limits(ms(read_timeout_sec_, read_timeout_usec_),
                                                    ms(write_timeout_sec_, write_timeout_usec_)));
    bool ok = true;
    for (std::size_t left = keep_alive_max_count_; left > 0; --left) {
        if (!strm.has_buffered() &&
            !owner_.wait_for_request(sock, static_cast<int>(keep_alive_timeout_sec_ * 1000))) {
            break;
        }
        if (!owner_.begin_head(c)) {
            break; // evicted while idle
        }
        bool client_asked_close = false;
        const bool last = left == 1 || owner_.stopping();
        ok = process_request(strm, last, client_asked_close, [](Request&) {});
        if (!ok || client_asked_close || c.end != end_mode::keep || owner_.stopping() ||
            c.cut != detail::cut_reason::none || !owner_.back_to_idle(c)) {
            break;
        }
    }
    owner_.close_connection(c);
    detail::set_current_connection(nullptr);
    return ok;
}

jobs_service::jobs_service(scenario s, server_options options)
    : scene_(std::move(s)), options_(std::move(options)), log_(scene_.limits.journal_max_entries) {
    list_json_ = list_body(scene_.jobs);
    for (const auto& j : scene_.jobs) {
        detail_json_[j.id] = detail_body(j);
    }
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

jobs_service::~jobs_service() {
    stop();
    if (stop_fd_ >= 0) {
        ::close(stop_fd_);
    }
}

common::result<bound_address> jobs_service::start() {
    std::lock_guard lock(lifecycle_);
    if (started_) {
        return common::error{common::errc::internal, "server already started"};
    }
    if (stop_fd_ < 0) {
        return common::error{common::errc::io, std::string("eventfd: ") + std::strerror(errno)};
    }
    http_ = std::make_unique<instrumented_server>(*this);
    // The callback replaces httplib's defaults (SO_REUSEPORT), so set what we want: REUSEADDR
    // for quick restarts, and not REUSEPORT, which would let another process share the port.
    http_->set_socket_options([this](socket_t fd) {
        int yes = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listen_fd_ = fd;
    });
    http_->set_tcp_nodelay(true); // off, Nagle + delayed ACK add ~40 ms per response
    http_->set_keep_alive_max_count(1000);
    http_->set_keep_alive_timeout(5);
    http_->set_read_timeout(5, 0);
    http_->set_write_timeout(5, 0);
    http_->set_payload_max_length(1 << 20);
    detail::pool_limits pool;
    pool.max_threads = static_cast<std::size_t>(scene_.limits.max_connections);
    pool.max_waiting = options_.max_waiting;
    http_->new_task_queue = [this, pool] {
        return new detail::connection_pool(
            pool,
            log_,
            [this] { registry_.make_room(); },
            [this](std::size_t waiting) { registry_.owe_at_most(waiting); });
    };
    http_->set_pre_routing_handler(
        [this](const Request& req, Response& res) { return handle(req, res); });
    http_->set_logger([this](const Request& req, const Response& res) { on_response(req, res); });

    errno = 0;
    int port = options_.port;
    if (port == 0) {
        port = http_->bind_to_any_port(options_.host);
    } else if (!http_->bind_to_port(options_.host, port)) {
        port = -1;
    }
    const std::string where = options_.host + ":" + std::to_string(options_.port);
    if (port < 0 || listen_fd_ < 0) {
        return common::error{common::errc::io,
                             "cannot listen on " + where + ": " +
                                 (errno ? std::strerror(errno) : "bind failed")};
    }
    // httplib listens with a compiled-in backlog of 5; a burst of connections then overflows
    // the accept queue and SYN retransmits add about a second. Listening again raises it.
    if (::listen(listen_fd_, options_.backlog) != 0) {
        return common::error{common::errc::io, "listen on " + where + ": " + std::strerror(errno)};
    }
    connection probe;
    probe.fd = listen_fd_;
    detail::describe_peer(probe);
    bound_address bound{probe.local_addr, probe.local_port, ""};
    const bool v6 = bound.host.find(':') != std::string::npos;
    bound.url =
        "http://" + (v6 ? "[" + bound.host + "]" : bound.host) + ":" + std::to_string(bound.port);

    listener_ = std::thread([this] { http_->listen_after_bind(); });
    // httplib 0.11 has no wait_until_ready(); is_running() turns true inside the accept loop.
    for (int i = 0; i < 5000 && !http_->is_running(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    started_ = true;
    return bound;
}

void jobs_service::stop() {
    std::lock_guard lock(lifecycle_);
    if (!started_ || stopped_) {
        return;
    }
    stopped_ = true;
    stopping_ = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(stop_fd_, &one, sizeof one);
    http_->stop();
    listener_.join();
}

bool jobs_service::wait_for_request(int fd, int timeout_ms) const {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    for (;;) {
        const int rc = ::poll(fds, 2, timeout_ms);
        if (rc < 0 && errno == EINTR) {
            continue;
        }
        return rc > 0 && fds[1].revents == 0 && fds[0].revents != 0;
    }
}

void jobs_service::open_connection(connection& c) { registry_.add(c, monotonic_us()); }

bool jobs_service::begin_head(connection& c) {
    const std::int64_t now = monotonic_us();
    if (!registry_.enter(c, detail::stage::reading, now)) {
        return false;
    }
    c.head_deadline_us = now + std::int64_t{options_.head_timeout_ms} * 1000;
    c.head_bytes = 0;
    return true;
}

bool jobs_service::back_to_idle(connection& c) {
    c.head_deadline_us = 0;
    return registry_.enter(c, detail::stage::idle, monotonic_us());
}

detail::stream_limits jobs_service::stream_limits(int read_timeout_ms, int write_timeout_ms) const {
    return {read_timeout_ms, write_timeout_ms, stop_fd_, options_.max_head_bytes};
}

void jobs_service::refuse_connection(int fd) {
    // Every slot and the wait queue are taken: close without reading (an RST if the client
    // already sent something, which is fine for a client this far over the limits).
    ::close(fd);
}

void jobs_service::close_connection(connection& c) {
    // Out of the registry before the descriptor can be reused: eviction shuts sockets down.
    registry_.remove(c);
    if (c.cut == detail::cut_reason::head_timeout) {
        log_.count_head_timeout();
    } else if (c.cut == detail::cut_reason::head_too_large) {
        log_.count_head_too_large();
    }
    if (c.end == end_mode::reset) {
        // SO_LINGER with a zero timeout makes close() abort the connection with an RST.
        const linger abort_now{1, 0};
        ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &abort_now, sizeof abort_now);
    } else {
        // Unread input at close() also turns into an RST; drain it so that a graceful end
        // (empty reply, truncated body) really is a FIN.
        ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) | O_NONBLOCK);
        char sink[4096];
        for (int i = 0; i < 64 && ::recv(c.fd, sink, sizeof sink, 0) > 0; ++i) {
        }
        c.last_send_us = monotonic_us(); // the FIN: the client's end of this answer
        ::shutdown(c.fd, SHUT_RDWR);
    }
    if (c.end == end_mode::reset) {
        c.last_send_us = monotonic_us(); // the RST
    }
    ::close(c.fd);
    if (c.request_open) {
        finish(c, c.end_status, c.end_outcome.empty() ? "write_failed" : c.end_outcome);
    }
}

httplib::Server::HandlerResponse jobs_service::handle(const Request& req, Response& res) {
    connection* c = detail::current_connection();
    c->head_deadline_us = 0; // the head is complete: from here on only the answer's timing
    if (!registry_.enter(*c, detail::stage::serving, monotonic_us())) {
        // Evicted just as the head completed: end without an answer (nothing is journaled,
        // as for a client that went away before finishing its request).
        end_without_answer(*c, end_mode::graceful, "evicted");
        return httplib::Server::HandlerResponse::Handled;
    }
    const route r = classify(req, options_.admin);
    if (r.what == route::kind::admin_journal || r.what == route::kind::admin_reset) {
        serve_admin(r.what, res);
        return httplib::Server::HandlerResponse::Handled;
    }
    begin_request(*c, req, r);
    serve_api(*c, r, res);
    return httplib::Server::HandlerResponse::Handled;
}

void jobs_service::serve_admin(route::kind what, Response& res) {
    if (what == route::kind::admin_journal) {
        res.set_content(log_.snapshot().to_json().dump(), "application/json");
        return;
    }
    log_.reset();
    std::lock_guard lock(attempts_mutex_);
    attempts_.clear();
    res.set_content(R"({"reset":true})", "application/json");
}

int jobs_service::next_attempt(const route& r) {
    const std::pair<int, std::int64_t> key{static_cast<int>(r.what), r.id.value_or(0)};
    std::lock_guard lock(attempts_mutex_);
    const auto it = attempts_.find(key);
    if (it != attempts_.end()) {
        return ++it->second;
    }
    // A client can ask for any number of ids that are not in the dataset: past a cap on
    // distinct keys those are no longer counted (the dataset's own always are).
    const bool in_dataset = r.what == route::kind::list ||
                            (r.what == route::kind::detail && detail_json_.count(key.second) != 0);
    if (!in_dataset && attempts_.size() >= max_attempt_keys) {
        return 0;
    }
    attempts_.emplace(key, 1);
    return 1;
}

void jobs_service::begin_request(connection& c, const Request& req, const route& r) {
    journal_entry e;
    e.connection = c.id;
    e.method = req.method;
    e.path = req.path;
    e.endpoint = r.what == route::kind::list     ? "list"
                 : r.what == route::kind::detail ? "detail"
                                                 : "other";
    e.job_id = r.id;
    e.attempt = next_attempt(r);
    e.received_us = monotonic_us();
    c.attempt = e.attempt;
    c.received_us = e.received_us;
    c.end = end_mode::keep;
    c.suppress_writes = false;
    c.end_outcome.clear();
    c.bytes_written = 0;
    c.last_send_us = 0;
    c.write_failed = false;
    c.ticket = log_.begin(std::move(e));
    c.request_open = true;
    in_flight_.fetch_add(1);
}

void jobs_service::finish(connection& c, int status, const std::string& outcome) {
    log_.finish(c.ticket, status, c.bytes_written, outcome, c.last_send_us);
    c.request_open = false;
    c.bytes_written = 0;
    c.last_send_us = 0;
    in_flight_.fetch_sub(1);
}

void jobs_service::end_without_answer(connection& c, end_mode how, std::string outcome) {
    c.end = how;
    c.suppress_writes = true;
    c.end_status = 0;
    c.end_outcome = std::move(outcome);
}

void jobs_service::serve_api(connection& c, const route& r, Response& res) {
    const int limit = scene_.limits.max_in_flight;
    if (limit > 0 && in_flight_.load() > limit) {
        log_.set_fault(c.ticket, "over_limit");
        res.status = scene_.limits.over_limit_status;
        if (res.status == 429) {
            res.set_header("Retry-After", "1");
        }
        res.set_content(error_json("too many requests in flight"), "application/json");
        return;
    }
    if (r.what == route::kind::not_found || r.what == route::kind::bad_method) {
        res.status = r.what == route::kind::not_found ? 404 : 405;
        res.set_content(error_json(res.status == 404 ? "not found" : "method not allowed"),
                        "application/json");
        return;
    }
    const bool is_list = r.what == route::kind::list;
    const std::string* body = &list_json_;
    if (!is_list) {
        const auto it = detail_json_.find(*r.id);
        if (it == detail_json_.end()) {
            res.status = 404;
            res.set_content(error_json("no job " + std::to_string(*r.id)), "application/json");
            return;
        }
        body = &it->second;
    }
    const fault* f = is_list ? (scene_.list_fault ? &*scene_.list_fault : nullptr)
                             : scene_.detail_fault_for(*r.id);
    if (f != nullptr && !f->applies_to_attempt(c.attempt)) {
        f = nullptr;
    }
    if (f != nullptr) {
        log_.set_fault(c.ticket, to_string(f->kind));
    }
    if (f != nullptr && f->kind == fault_kind::hang) {
        end_without_answer(
            c, end_mode::graceful, outcome_of(wait_on(c.fd, stop_fd_, std::nullopt)));
        return;
    }
    const int latency_ms = is_list ? scene_.latency.list_ms : scene_.detail_latency_ms(*r.id);
    const wait_result waited =
        wait_on(c.fd, stop_fd_, c.received_us + std::int64_t{latency_ms} * 1000);
    if (waited != wait_result::elapsed) {
        end_without_answer(c, end_mode::graceful, outcome_of(waited));
        return;
    }
    if (f == nullptr) {
        res.set_content(*body, "application/json");
        return;
    }
    serve_fault(c, *f, *body, res);
}

void jobs_service::serve_fault(connection& c,
                               const fault& f,
                               const std::string& body,
                               Response& res) {
    switch (f.kind) {
    case fault_kind::status:
        res.status = f.status;
        res.set_content(error_json("injected status " + std::to_string(f.status)),
                        "application/json");
        return;
    case fault_kind::rate_limit:
        res.status = 429;
        res.set_header("Retry-After", std::to_string(f.retry_after_s));
        res.set_content(error_json("rate limited"), "application/json");
        return;
    case fault_kind::malformed:
        res.set_content(malformed_body(body), "application/json");
        return;
    case fault_kind::empty_reply:
        end_without_answer(c, end_mode::graceful, "empty_reply");
        return;
    case fault_kind::reset:
        end_without_answer(c, end_mode::reset, "reset");
        return;
    case fault_kind::truncated:
        // Announce the full length, send half, then end the connection gracefully.
        res.set_content_provider(body.size(),
                                 "application/json",
                                 [body](std::size_t, std::size_t, httplib::DataSink& sink) {
                                     sink.write(body.data(), body.size() / 2);
                                     connection* conn = detail::current_connection();
                                     end_without_answer(*conn, end_mode::graceful, "truncated");
                                     conn->end_status = 200;
                                     return false;
                                 });
        return;
    case fault_kind::drip:
        res.set_content_provider(
            body.size(),
            "application/json",
            [this, body, f](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                connection* conn = detail::current_connection();
                const auto deadline = monotonic_us() + std::int64_t{f.interval_ms} * 1000;
                const wait_result waited = wait_on(conn->fd, stop_fd_, deadline);
                if (waited != wait_result::elapsed) {
                    end_without_answer(*conn, end_mode::graceful, outcome_of(waited));
                    conn->end_status = 200;
                    return false;
                }
                const std::size_t n =
                    std::min(static_cast<std::size_t>(f.chunk_bytes), body.size() - offset);
                return sink.write(body.data() + offset, n);
            });
        return;
    case fault_kind::hang:
        break; // handled before the latency wait
    }
}

void jobs_service::on_response(const Request& req, const Response& res) {
    connection* c = detail::current_connection();
    if (c == nullptr || c->evicted.load() || c->cut != detail::cut_reason::none) {
        return; // cut off or evicted before its request was read: nothing was answered
    }
    if (!c->request_open) {
        // httplib answered by itself (400 for a malformed request, 414 for a long URI) or
        // this was an admin request, which is not journaled.
        if (res.status < 400) {
            return;
        }
        journal_entry e;
        e.connection = c->id;
        e.method = req.method;
        e.path = req.path;
        e.endpoint = "bad_request";
        e.received_us = monotonic_us();
        c->ticket = log_.begin(std::move(e));
        c->request_open = true;
        in_flight_.fetch_add(1);
        finish(*c, res.status, "answered");
        c->end = end_mode::graceful; // what follows a malformed request cannot be trusted
        return;
    }
    if (c->end == end_mode::keep) {
        finish(*c, res.status, c->write_failed ? "write_failed" : "answered");
    }
    // Otherwise the connection ends here and close_connection() finishes the entry.
}

} // namespace

struct server::impl {
    impl(scenario s, server_options options) : service(std::move(s), std::move(options)) {}
    jobs_service service;
};

server::server(scenario s, server_options options)
    : impl_(std::make_unique<impl>(std::move(s), std::move(options))) {}

server::~server() = default;

common::result<bound_address> server::start() { return impl_->service.start(); }

void server::stop() { impl_->service.stop(); }

journal_snapshot server::journal() const { return impl_->service.snapshot(); }

} // namespace mock_api
