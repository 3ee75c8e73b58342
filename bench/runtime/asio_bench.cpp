// asio_bench: the Boost.Asio C++20-coroutine side of bench/runtime_bench.sh (modes and output
// in bench_common.hpp; shapes as in rt_bench.cpp).
//
//   asio_bench spawn-ct|spawn-mt [TASKS] | timers [TASKS] | park [TASKS] | fanout URL
//
// Runtimes: "current-thread" is an io_context(1) run by the calling thread; "multi-thread" an
// io_context(2) run by two threads (the caller and one std::thread), i.e. one shared queue,
// no work stealing, much like rt::multi_thread_runtime. Every task is co_spawn-ed.
//
// What "join" means here: co_spawn has no join handle. Each task's completion handler counts
// down a per-round counter (atomic) and the last one signals the driver through an
// experimental::concurrent_channel (buffer 1, so the order of signal and wait does not
// matter). That is one wake-up per round instead of one awaited handle per task, so the asio
// spawn+join figure is a lower bound for what a per-task join would cost.
//
// park: each task waits on its own steady_timer armed at time_point::max() (asio's idiomatic
// one-shot event); releasing = cancel() on every timer. bytes_per_task includes the timer.
// fanout: Boost.Beast over asio (beast::tcp_stream, one connection per request, no pool: all
// requests are in flight together anyway); the list request is GET /jobs first.

#include "bench_common.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using bench::steady;
using namespace std::chrono_literals;

/// Counts completions of co_spawn-ed tasks; the last one wakes the waiting driver.
class countdown {
  public:
    explicit countdown(const asio::any_io_executor& ex) : channel_(ex, 1) {}
    /// Before spawning a round of `n` (> 0) tasks.
    void reset(std::size_t n) { remaining_.store(n, std::memory_order_relaxed); }
    /// Called once per finished task, from any thread running the io_context.
    void done() {
        if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            channel_.try_send(boost::system::error_code{});
        }
    }
    /// Completion handler for co_spawn of an awaitable<void>.
    auto handler() {
        return [this](const std::exception_ptr& e) {
            if (e) {
                std::rethrow_exception(e); // out of io_context::run, into main's catch
            }
            done();
        };
    }
    awaitable<void> wait() { co_await channel_.async_receive(use_awaitable); }

  private:
    std::atomic<std::size_t> remaining_{0};
    asio::experimental::concurrent_channel<void(boost::system::error_code)> channel_;
};

/// Runs `driver` to completion on an io_context run by `threads` threads; returns its value.
template <class T, class Driver>
T run(int threads, Driver driver) {
    asio::io_context ctx(threads);
    std::optional<T> value;
    asio::co_spawn(ctx, driver(), [&](const std::exception_ptr& e, T v) {
        if (e) {
            std::rethrow_exception(e);
        }
        value = std::move(v);
    });
    std::vector<std::thread> helpers;
    for (int i = 1; i < threads; ++i) {
        helpers.emplace_back([&ctx] { ctx.run(); });
    }
    ctx.run();
    for (auto& t : helpers) {
        t.join();
    }
    if (!value) {
        throw std::runtime_error("driver did not finish");
    }
    return std::move(*value);
}

awaitable<void> empty_task() { co_return; }

awaitable<std::int64_t> spawn_join(std::size_t tasks, std::size_t batch) {
    auto ex = co_await asio::this_coro::executor;
    countdown joined(ex);
    const auto start = steady::now();
    for (std::size_t done = 0; done < tasks; done += batch) {
        joined.reset(batch);
        for (std::size_t i = 0; i < batch; ++i) {
            asio::co_spawn(ex, empty_task(), joined.handler());
        }
        co_await joined.wait();
    }
    co_return bench::elapsed_ns(start);
}

void run_spawn(const bench::params& p) {
    const int threads = p.mode == "spawn-ct" ? 1 : 2;
    const auto ns = run<std::int64_t>(threads, [&] { return spawn_join(p.tasks, p.batch); });
    bench::result("asio", p.mode)
        .add("tasks", p.tasks)
        .add("batch", p.batch)
        .add("wall_ms", static_cast<double>(ns) / 1e6)
        .add("ns_per_task", static_cast<double>(ns) / static_cast<double>(p.tasks))
        .print();
}

// One thread runs the io_context, so a plain int64 is enough for the maximum.
struct timers_out {
    steady::time_point start;
    std::int64_t spawn_ns = 0;
    std::int64_t armed_ns = 0; // start -> the last task armed its timer
    std::int64_t wall_ns = 0;
    std::int64_t max_late_ns = 0;
};

awaitable<void> sleeper(std::int64_t ms, timers_out& out) {
    const auto now = steady::now();
    const auto deadline = now + std::chrono::milliseconds(ms);
    out.armed_ns = std::max(out.armed_ns, (now - out.start).count());
    asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
    co_await timer.async_wait(use_awaitable);
    out.max_late_ns = std::max(out.max_late_ns, bench::elapsed_ns(deadline));
}

awaitable<timers_out> timers(std::size_t tasks, std::int64_t max_ms) {
    auto ex = co_await asio::this_coro::executor;
    timers_out out;
    countdown joined(ex);
    joined.reset(tasks);
    const auto start = out.start = steady::now();
    for (std::size_t i = 0; i < tasks; ++i) {
        asio::co_spawn(ex, sleeper(bench::sleep_ms(i, max_ms), out), joined.handler());
    }
    out.spawn_ns = bench::elapsed_ns(start);
    co_await joined.wait();
    out.wall_ns = bench::elapsed_ns(start);
    co_return out;
}

void run_timers(const bench::params& p) {
    const auto out = run<timers_out>(1, [&] { return timers(p.tasks, p.max_sleep_ms); });
    const double wall_ms = static_cast<double>(out.wall_ns) / 1e6;
    bench::result("asio", p.mode)
        .add("tasks", p.tasks)
        .add("longest_sleep_ms", p.max_sleep_ms)
        .add("spawn_ms", static_cast<double>(out.spawn_ns) / 1e6)
        .add("armed_ms", static_cast<double>(out.armed_ns) / 1e6)
        .add("wall_ms", wall_ms)
        .add("overshoot_ms", wall_ms - static_cast<double>(p.max_sleep_ms))
        .add("max_late_ms", static_cast<double>(out.max_late_ns) / 1e6)
        .print();
}

awaitable<void> parked(asio::steady_timer& event, std::size_t& started) {
    ++started;
    boost::system::error_code ec; // operation_aborted: released
    co_await event.async_wait(asio::redirect_error(use_awaitable, ec));
}

struct park_out {
    std::int64_t rss_before = 0;
    std::int64_t rss_events = 0; // after making the timers
    std::int64_t rss_parked = 0;
    std::int64_t release_ns = 0;
};

awaitable<park_out> park(std::size_t tasks) {
    auto ex = co_await asio::this_coro::executor;
    park_out out;
    countdown joined(ex);
    std::vector<asio::steady_timer> events;
    events.reserve(tasks);
    std::size_t started = 0;
    out.rss_before = bench::rss_bytes();
    for (std::size_t i = 0; i < tasks; ++i) {
        events.emplace_back(ex, asio::steady_timer::time_point::max());
    }
    out.rss_events = bench::rss_bytes();
    joined.reset(tasks);
    for (auto& event : events) {
        asio::co_spawn(ex, parked(event, started), joined.handler());
    }
    while (started < tasks) {
        co_await asio::post(ex, use_awaitable); // let every queued task start and park
    }
    out.rss_parked = bench::rss_bytes();
    const auto start = steady::now();
    for (auto& event : events) {
        event.cancel();
    }
    co_await joined.wait();
    out.release_ns = bench::elapsed_ns(start);
    co_return out;
}

void run_park(const bench::params& p) {
    const auto out = run<park_out>(1, [&] { return park(p.tasks); });
    const auto n = static_cast<double>(p.tasks);
    bench::result("asio", p.mode)
        .add("tasks", p.tasks)
        .add("rss_before_kb", out.rss_before / 1024)
        .add("rss_parked_kb", out.rss_parked / 1024)
        .add("bytes_per_task", static_cast<double>(out.rss_parked - out.rss_before) / n)
        .add("bytes_per_task_excl_event", static_cast<double>(out.rss_parked - out.rss_events) / n)
        .add("release_ms", static_cast<double>(out.release_ns) / 1e6)
        .print();
}

/// GET `target` on a new connection; returns the status, and the body if `body` is given.
awaitable<int> get(asio::ip::tcp::endpoint server, std::string target, std::string* body) {
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    stream.expires_after(10s);
    co_await stream.async_connect(server, use_awaitable);
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host,
                server.address().to_string() + ":" + std::to_string(server.port()));
    co_await http::async_write(stream, request, use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    co_await http::async_read(stream, buffer, response, use_awaitable);
    if (body != nullptr) {
        *body = std::move(response.body());
    }
    co_return static_cast<int>(response.result_int());
}

using bench::fanout_out;

awaitable<fanout_out> fanout(asio::ip::tcp::endpoint server) {
    auto ex = co_await asio::this_coro::executor;
    fanout_out out;
    const auto start = steady::now();
    std::string body;
    if (const int status = co_await get(server, "/jobs", &body); status != 200) {
        throw std::runtime_error("GET /jobs: status " + std::to_string(status));
    }
    const auto ids = bench::job_ids(body);
    out.list_ns = bench::elapsed_ns(start);
    out.jobs = ids.size();

    const auto fan_start = steady::now();
    std::vector<int> statuses(ids.size(), 0); // -1: exception (first message kept)
    std::mutex error_mutex;
    std::optional<std::string> first_error; // guarded by error_mutex
    countdown joined(ex);
    joined.reset(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        asio::co_spawn(ex,
                       get(server, "/jobs/" + std::to_string(ids[i]), nullptr),
                       [&, i](const std::exception_ptr& e, int status) {
                           if (e) {
                               status = -1;
                               try {
                                   std::rethrow_exception(e);
                               } catch (const std::exception& x) {
                                   const std::lock_guard lock(error_mutex);
                                   if (!first_error) {
                                       first_error = x.what();
                                   }
                               }
                           }
                           statuses[i] = status;
                           joined.done();
                       });
    }
    co_await joined.wait();
    out.fanout_ns = bench::elapsed_ns(fan_start);
    out.ok = static_cast<std::size_t>(std::count(statuses.begin(), statuses.end(), 200));
    if (out.ok != out.jobs) {
        std::cerr << "asio_bench fanout: " << (out.jobs - out.ok)
                  << " failed, first: " << first_error.value_or("non-200 status") << '\n';
    }
    co_return out;
}

void run_fanout(const bench::params& p) {
    const auto [host, port] = bench::host_port(p.url);
    const asio::ip::tcp::endpoint server(asio::ip::make_address_v4(host), port);
    const auto out = run<fanout_out>(2, [&] { return fanout(server); });
    bench::print_fanout("asio", p, out);
}

} // namespace

int main(int argc, char** argv) {
    return bench::run_main("asio_bench", argc, argv, {run_spawn, run_timers, run_park, run_fanout});
}
