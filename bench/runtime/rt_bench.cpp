// rt_bench: the rt side of bench/runtime_bench.sh (modes and output in bench_common.hpp).
//
//   rt_bench spawn-ct|spawn-mt [TASKS] | timers [TASKS] | park [TASKS] | fanout URL
//
// Shapes (identical in tokio_bench and asio_bench):
//   spawn-*  rounds of 1000: spawn 1000 empty tasks (rt::spawn -> join_handle), then co_await
//            the 1000 handles in spawn order; 1000 rounds. Timed inside the driver task, so
//            runtime start-up and shutdown are excluded. spawn-mt runs the driver itself as a
//            task on the workers (multi_thread_runtime::block_on spawns it), as tokio's does.
//   timers   spawn TASKS tasks, task i sleeps sleep_ms(i) in [0, 100] ms (rt::sleep_for), then
//            await every handle. wall = first spawn -> last join; overshoot = wall - 100 ms;
//            spawn = the spawn loop alone; armed = first spawn -> the last task armed its
//            timer (every task has started); max_late = the latest any single timer woke
//            past its own deadline.
//   park     TASKS oneshot pairs are made (RSS sampled before and after), then TASKS tasks
//            each await one receiver; once every task has started (and parked), RSS again.
//            bytes_per_task counts everything held per parked task: the task (frames, root,
//            record, slot), its oneshot and its join_handle. Then every sender fires and every
//            handle is awaited.
//   fanout   rt::net::http_client (one per process): GET URL/jobs, then every URL/jobs/{id}
//            through rt::join_all (which spawns each request), on multi_thread_runtime(2).

#include "bench_common.hpp"
#include "runtime/all.hpp"
#include "runtime/net/http_client.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using bench::steady;

rt::task<void> empty_task() { co_return; }

/// Spawns `batch` empty tasks, awaits their handles, until `tasks` have run. Returns ns.
rt::task<std::int64_t> spawn_join(std::size_t tasks, std::size_t batch) {
    std::vector<rt::join_handle<void>> handles;
    handles.reserve(batch);
    const auto start = steady::now();
    for (std::size_t done = 0; done < tasks; done += batch) {
        for (std::size_t i = 0; i < batch; ++i) {
            handles.push_back(rt::spawn(empty_task()));
        }
        for (auto& h : handles) {
            co_await h;
        }
        handles.clear();
    }
    co_return bench::elapsed_ns(start);
}

void run_spawn(const bench::params& p) {
    std::int64_t ns = 0;
    if (p.mode == "spawn-ct") {
        ns = rt::block_on(spawn_join(p.tasks, p.batch));
    } else {
        rt::multi_thread_runtime runtime(2);
        ns = runtime.block_on(spawn_join(p.tasks, p.batch));
    }
    bench::result("rt", p.mode)
        .add("tasks", p.tasks)
        .add("batch", p.batch)
        .add("wall_ms", static_cast<double>(ns) / 1e6)
        .add("ns_per_task", static_cast<double>(ns) / static_cast<double>(p.tasks))
        .print();
}

// Single-threaded (current_thread_runtime), so a plain int64 is enough for the maximum.
struct timers_out {
    steady::time_point start;
    std::int64_t spawn_ns = 0;
    std::int64_t armed_ns = 0; // start -> the last task armed its timer
    std::int64_t wall_ns = 0;
    std::int64_t max_late_ns = 0;
};

rt::task<void> sleeper(std::int64_t ms, timers_out& out) {
    const auto now = steady::now();
    const auto deadline = now + std::chrono::milliseconds(ms);
    out.armed_ns = std::max(out.armed_ns, (now - out.start).count());
    co_await rt::sleep_until(deadline);
    out.max_late_ns = std::max(out.max_late_ns, bench::elapsed_ns(deadline));
}

rt::task<timers_out> timers(std::size_t tasks, std::int64_t max_ms) {
    timers_out out;
    std::vector<rt::join_handle<void>> handles;
    handles.reserve(tasks);
    const auto start = out.start = steady::now();
    for (std::size_t i = 0; i < tasks; ++i) {
        handles.push_back(rt::spawn(sleeper(bench::sleep_ms(i, max_ms), out)));
    }
    out.spawn_ns = bench::elapsed_ns(start);
    for (auto& h : handles) {
        co_await h;
    }
    out.wall_ns = bench::elapsed_ns(start);
    co_return out;
}

void run_timers(const bench::params& p) {
    const timers_out out = rt::block_on(timers(p.tasks, p.max_sleep_ms));
    const double wall_ms = static_cast<double>(out.wall_ns) / 1e6;
    bench::result("rt", p.mode)
        .add("tasks", p.tasks)
        .add("longest_sleep_ms", p.max_sleep_ms)
        .add("spawn_ms", static_cast<double>(out.spawn_ns) / 1e6)
        .add("armed_ms", static_cast<double>(out.armed_ns) / 1e6)
        .add("wall_ms", wall_ms)
        .add("overshoot_ms", wall_ms - static_cast<double>(p.max_sleep_ms))
        .add("max_late_ms", static_cast<double>(out.max_late_ns) / 1e6)
        .print();
}

rt::task<void> parked(rt::oneshot_receiver<int> rx, std::size_t& started) {
    ++started;
    (void)co_await rx.recv();
}

struct park_out {
    std::int64_t rss_before = 0;
    std::int64_t rss_events = 0; // after making the oneshots
    std::int64_t rss_parked = 0;
    std::int64_t release_ns = 0;
};

rt::task<park_out> park(std::size_t tasks) {
    park_out out;
    std::vector<rt::oneshot_sender<int>> senders;
    std::vector<rt::oneshot_receiver<int>> receivers;
    std::vector<rt::join_handle<void>> handles;
    senders.reserve(tasks);
    receivers.reserve(tasks);
    handles.reserve(tasks);
    std::size_t started = 0;
    out.rss_before = bench::rss_bytes();
    for (std::size_t i = 0; i < tasks; ++i) {
        auto [tx, rx] = rt::oneshot<int>();
        senders.push_back(std::move(tx));
        receivers.push_back(std::move(rx));
    }
    out.rss_events = bench::rss_bytes();
    for (auto& rx : receivers) {
        handles.push_back(rt::spawn(parked(std::move(rx), started)));
    }
    while (started < tasks) {
        co_await rt::yield_now{}; // runs every queued task, which then parks on its receiver
    }
    out.rss_parked = bench::rss_bytes();
    const auto start = steady::now();
    for (auto& tx : senders) {
        tx.send(1);
    }
    for (auto& h : handles) {
        co_await h;
    }
    out.release_ns = bench::elapsed_ns(start);
    co_return out;
}

void run_park(const bench::params& p) {
    const park_out out = rt::block_on(park(p.tasks));
    const auto n = static_cast<double>(p.tasks);
    bench::result("rt", p.mode)
        .add("tasks", p.tasks)
        .add("rss_before_kb", out.rss_before / 1024)
        .add("rss_parked_kb", out.rss_parked / 1024)
        .add("bytes_per_task", static_cast<double>(out.rss_parked - out.rss_before) / n)
        .add("bytes_per_task_excl_event", static_cast<double>(out.rss_parked - out.rss_events) / n)
        .add("release_ms", static_cast<double>(out.release_ns) / 1e6)
        .print();
}

using bench::fanout_out;

rt::task<fanout_out> fanout(std::string url) {
    fanout_out out;
    rt::net::http_client client;
    const auto start = steady::now();
    auto list = co_await client.get(url + "/jobs", 10s);
    if (!list) {
        throw std::runtime_error(list.error().message);
    }
    if (list.response().status != 200) {
        throw std::runtime_error("GET /jobs: status " + std::to_string(list.response().status));
    }
    const auto ids = bench::job_ids(list.response().body);
    out.list_ns = bench::elapsed_ns(start);
    out.jobs = ids.size();

    const auto fan_start = steady::now();
    std::vector<rt::task<rt::net::http_result>> requests;
    requests.reserve(ids.size());
    for (const auto id : ids) {
        requests.push_back(client.get(url + "/jobs/" + std::to_string(id), 10s));
    }
    auto results = co_await rt::join_all(std::move(requests));
    out.fanout_ns = bench::elapsed_ns(fan_start);
    std::optional<std::string> first_error;
    for (auto& r : results) {
        if (r && r.response().status == 200) {
            ++out.ok;
        } else if (!first_error) {
            first_error = r ? "status " + std::to_string(r.response().status) : r.error().message;
        }
    }
    if (first_error) {
        std::cerr << "rt_bench fanout: " << (out.jobs - out.ok)
                  << " failed, first: " << *first_error << '\n';
    }
    co_return out;
}

void run_fanout(const bench::params& p) {
    (void)bench::host_port(p.url); // loopback only
    rt::multi_thread_runtime runtime(2);
    const fanout_out out = runtime.block_on(fanout(p.url));
    bench::print_fanout("rt", p, out);
}

} // namespace

int main(int argc, char** argv) {
    return bench::run_main("rt_bench", argc, argv, {run_spawn, run_timers, run_park, run_fanout});
}
