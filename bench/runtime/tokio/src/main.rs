//! tokio_bench: the tokio side of bench/runtime_bench.sh. Same modes, shapes and one-line
//! JSON output as rt_bench / asio_bench (see bench/runtime/bench_common.hpp and rt_bench.cpp).
//!
//!   tokio_bench spawn-ct|spawn-mt [TASKS] | timers [TASKS] | park [TASKS] | fanout URL
//!
//! Runtimes: current-thread = `Builder::new_current_thread()`; multi-thread =
//! `new_multi_thread().worker_threads(2)`, with the driver itself `tokio::spawn`-ed onto the
//! workers (block_on would otherwise poll it on the main thread), as rt's block_on does.
//!   spawn-*  rounds of 1000: spawn 1000 empty tasks, await the 1000 JoinHandles; 1000 rounds.
//!   timers   task i sleeps sleep_ms(i) in [0, 100] ms (tokio::time::sleep_until); all awaited.
//!   park     TASKS tokio::sync::oneshot pairs, then TASKS tasks each awaiting one receiver;
//!            RSS (VmRSS) before, after the channels, after all tasks parked.
//!   fanout   one reqwest::Client (no proxy, 10 s timeout): GET URL/jobs, then every
//!            URL/jobs/{id}, each request tokio::spawn-ed (like rt::join_all), all awaited.

use serde_json::json;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::runtime::{Builder, Runtime};

const USAGE: &str = "usage: tokio_bench spawn-ct|spawn-mt [TASKS] | timers [TASKS] | park [TASKS] | fanout URL";
const BATCH: usize = 1000;
const MAX_SLEEP_MS: u64 = 100;

/// Same formula as bench::sleep_ms in bench_common.hpp.
fn sleep_ms(i: usize, max_ms: u64) -> u64 {
    ((i * 7919 + 13) % (max_ms as usize + 1)) as u64
}

/// A field of /proc/self/status in kB (VmRSS, VmHWM), or -1.
fn status_kb(field: &str) -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in status.lines() {
        if let Some(rest) = line.strip_prefix(field).and_then(|r| r.strip_prefix(':')) {
            return rest.trim().trim_end_matches("kB").trim().parse().unwrap_or(-1);
        }
    }
    -1
}

fn rss_bytes() -> i64 {
    status_kb("VmRSS") * 1024
}

fn current_thread() -> Runtime {
    Builder::new_current_thread().enable_all().build().expect("runtime")
}

fn multi_thread() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn ms(ns: u128) -> f64 {
    ns as f64 / 1e6
}

async fn spawn_join(tasks: usize, batch: usize) -> u128 {
    let mut handles = Vec::with_capacity(batch);
    let start = Instant::now();
    let mut done = 0;
    while done < tasks {
        for _ in 0..batch {
            handles.push(tokio::spawn(async {}));
        }
        for h in handles.drain(..) {
            h.await.expect("join");
        }
        done += batch;
    }
    start.elapsed().as_nanos()
}

fn run_spawn(mode: &str, tasks: usize, batch: usize) {
    let ns = if mode == "spawn-ct" {
        current_thread().block_on(spawn_join(tasks, batch))
    } else {
        let rt = multi_thread();
        rt.block_on(async { tokio::spawn(spawn_join(tasks, batch)).await.expect("driver") })
    };
    println!(
        "{}",
        json!({"runtime": "tokio", "mode": mode, "tasks": tasks, "batch": batch,
               "wall_ms": ms(ns), "ns_per_task": ns as f64 / tasks as f64})
    );
}

static MAX_LATE_NS: AtomicI64 = AtomicI64::new(0);
static ARMED_NS: AtomicI64 = AtomicI64::new(0);

async fn sleeper(ms: u64, start: Instant) {
    let now = tokio::time::Instant::now();
    ARMED_NS.fetch_max((now.into_std() - start).as_nanos() as i64, Ordering::Relaxed);
    let deadline = now + Duration::from_millis(ms);
    tokio::time::sleep_until(deadline).await;
    MAX_LATE_NS.fetch_max(deadline.elapsed().as_nanos() as i64, Ordering::Relaxed);
}

fn run_timers(tasks: usize) {
    let (spawn_ns, wall_ns) = current_thread().block_on(async {
        let mut handles = Vec::with_capacity(tasks);
        let start = Instant::now();
        for i in 0..tasks {
            handles.push(tokio::spawn(sleeper(sleep_ms(i, MAX_SLEEP_MS), start)));
        }
        let spawn_ns = start.elapsed().as_nanos();
        for h in handles {
            h.await.expect("join");
        }
        (spawn_ns, start.elapsed().as_nanos())
    });
    println!(
        "{}",
        json!({"runtime": "tokio", "mode": "timers", "tasks": tasks,
               "longest_sleep_ms": MAX_SLEEP_MS, "spawn_ms": ms(spawn_ns),
               "armed_ms": ARMED_NS.load(Ordering::Relaxed) as f64 / 1e6, "wall_ms": ms(wall_ns),
               "overshoot_ms": ms(wall_ns) - MAX_SLEEP_MS as f64,
               "max_late_ms": MAX_LATE_NS.load(Ordering::Relaxed) as f64 / 1e6})
    );
}

static STARTED: AtomicUsize = AtomicUsize::new(0);

fn run_park(tasks: usize) {
    let (before, events, parked, release_ns) = current_thread().block_on(async {
        let mut senders = Vec::with_capacity(tasks);
        let mut receivers = Vec::with_capacity(tasks);
        let mut handles = Vec::with_capacity(tasks);
        let before = rss_bytes();
        for _ in 0..tasks {
            let (tx, rx) = tokio::sync::oneshot::channel::<i32>();
            senders.push(tx);
            receivers.push(rx);
        }
        let events = rss_bytes();
        for rx in receivers.drain(..) {
            handles.push(tokio::spawn(async move {
                STARTED.fetch_add(1, Ordering::Relaxed);
                let _ = rx.await;
            }));
        }
        while STARTED.load(Ordering::Relaxed) < tasks {
            tokio::task::yield_now().await; // let every queued task start and park
        }
        let parked = rss_bytes();
        let start = Instant::now();
        for tx in senders.drain(..) {
            let _ = tx.send(1);
        }
        for h in handles.drain(..) {
            h.await.expect("join");
        }
        (before, events, parked, start.elapsed().as_nanos())
    });
    let n = tasks as f64;
    println!(
        "{}",
        json!({"runtime": "tokio", "mode": "park", "tasks": tasks,
               "rss_before_kb": before / 1024, "rss_parked_kb": parked / 1024,
               "bytes_per_task": (parked - before) as f64 / n,
               "bytes_per_task_excl_event": (parked - events) as f64 / n,
               "release_ms": ms(release_ns)})
    );
}

async fn fanout(url: String) -> Result<(usize, usize, u128, u128), String> {
    let client = reqwest::Client::builder()
        .no_proxy() // loopback only: never through an HTTP_PROXY from the environment
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    let list: serde_json::Value = client
        .get(format!("{url}/jobs"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| format!("GET /jobs: {e}"))?
        .json()
        .await
        .map_err(|e| format!("GET /jobs: {e}"))?;
    let ids: Vec<i64> = list
        .as_array()
        .ok_or("GET /jobs: not an array")?
        .iter()
        .map(|job| job["id"].as_i64().ok_or("GET /jobs: job without an integer id"))
        .collect::<Result<_, _>>()?;
    let list_ns = start.elapsed().as_nanos();

    let fan_start = Instant::now();
    let handles: Vec<_> = ids
        .iter()
        .map(|id| {
            let request = client.get(format!("{url}/jobs/{id}"));
            tokio::spawn(async move {
                let response = request.send().await.map_err(|e| e.to_string())?;
                let status = response.status();
                response.bytes().await.map_err(|e| e.to_string())?;
                if status == reqwest::StatusCode::OK {
                    Ok(())
                } else {
                    Err(format!("status {status}"))
                }
            })
        })
        .collect();
    let mut ok = 0;
    let mut first_error: Option<String> = None;
    for h in handles {
        match h.await.map_err(|e| e.to_string()).and_then(|r| r) {
            Ok(()) => ok += 1,
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let fanout_ns = fan_start.elapsed().as_nanos();
    if let Some(e) = first_error {
        eprintln!("tokio_bench fanout: {} failed, first: {e}", ids.len() - ok);
    }
    Ok((ids.len(), ok, list_ns, fanout_ns))
}

fn run_fanout(url: &str) -> Result<(), String> {
    if !url.starts_with("http://127.0.0.1:") {
        return Err("only http://127.0.0.1:PORT is allowed".into());
    }
    let rt = multi_thread();
    let url = url.trim_end_matches('/').to_string();
    let (jobs, ok, list_ns, fanout_ns) =
        rt.block_on(async { tokio::spawn(fanout(url)).await.map_err(|e| e.to_string())? })?;
    println!(
        "{}",
        json!({"runtime": "tokio", "mode": "fanout", "jobs": jobs, "ok": ok,
               "list_ms": ms(list_ns), "fanout_ms": ms(fanout_ns),
               "vm_hwm_kb": status_kb("VmHWM")})
    );
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = || -> ! {
        eprintln!("{USAGE}");
        std::process::exit(2)
    };
    let mode = args.get(1).map(String::as_str).unwrap_or_else(|| usage());
    if mode == "fanout" {
        let url = if args.len() == 3 { &args[2] } else { usage() };
        if let Err(e) = run_fanout(url) {
            eprintln!("tokio_bench fanout: {e}");
            std::process::exit(1);
        }
        return;
    }
    let default = match mode {
        "spawn-ct" | "spawn-mt" => 1_000_000,
        "timers" | "park" => 100_000,
        _ => usage(),
    };
    let tasks = match args.len() {
        2 => default,
        3 => args[2].parse().unwrap_or_else(|_| usage()),
        _ => usage(),
    };
    let batch = if tasks > 0 && tasks % BATCH == 0 { BATCH } else { tasks.max(1) };
    match mode {
        "spawn-ct" | "spawn-mt" => run_spawn(mode, tasks, batch),
        "timers" => run_timers(tasks),
        _ => run_park(tasks),
    }
}
