#!/usr/bin/env bash
# mock_api_bench.sh: measures mock_api on loopback (127.0.0.1 only) and prints a table.
#
# Usage: bench/mock_api_bench.sh
#   (a) Injected-latency accuracy: every detail answers after 200 ms. For each row of
#       LATENCY_ROWS ("concurrency:spread_ms"; spread 0 = all requests sent back to back,
#       spread S = sends paced evenly over S ms, still all in flight together when S < 200)
#       latency_client runs once to warm the server's thread pool, then REPEATS times after
#       POST /__admin/reset. From the journal: server-side error = finished_us - received_us
#       - 200 ms over answered detail requests, and peak_in_flight. Beside it: client-observed
#       latency - 200 ms, the send->received and finished->done legs (client and server share
#       CLOCK_MONOTONIC), and the CPU each side spent per request.
#   (b) Throughput of GET /jobs (50 jobs, no delay): wrk -t2 -c64 -d${WRK_SECONDS}s against
#       mock_api and against nginx serving the same bytes as a static file.
# Environment:
#   BUILD_DIR     CMake build tree (default <repo>/build; configured here, tests off, if absent)
#   BENCH_OUT     where the figures go as JSON (default /tmp/mock_api_bench.json)
#   REPEATS       measured runs per latency row (default 3)
#   LATENCY_ROWS  default "1:0 100:0 1000:0 2000:0 2000:150"
#   WRK_SECONDS   duration of each wrk run (default 5)
# Targets: server-side p99 error < 2 ms and peak in flight == concurrency for every row;
# mock_api/nginx throughput ratio >= 0.5. Exit 0 once the figures are printed (targets are
# reported, not enforced); non-zero if something could not be measured.
# Every process started here is stopped on exit, failure included. Runtime ~50 s.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
out=${BENCH_OUT:-/tmp/mock_api_bench.json}
repeats=${REPEATS:-3}
rows=${LATENCY_ROWS:-"1:0 100:0 1000:0 2000:0 2000:150"}
wrk_seconds=${WRK_SECONDS:-5}
delay_ms=200

work=$(mktemp -d /tmp/mock_api_bench.XXXXXX)
chmod 755 "$work" # nginx workers may run as another user and must read $work/www
bench_name=mock_api_bench
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

# CPU time (user + system, ms) used so far by process $1.
cpu_ms() { awk -v tck="$(getconf CLK_TCK)" '{ print ($14 + $15) * 1000 / tck }' "/proc/$1/stat"; }

curl_() { curl -sS --fail --max-time 10 "$@"; }

# --- build -------------------------------------------------------------------------------
"$repo/scripts/setup.sh" --bench >&2 # nginx and wrk are not in the default set-up
for tool in cmake curl wrk python3 /usr/sbin/nginx; do
    command -v "$tool" >/dev/null || die "missing $tool"
done
if [[ ! -f $build/CMakeCache.txt ]]; then
    log "configuring $build"
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DTG_BUILD_TESTS=OFF -DTG_BUILD_BENCH=ON >/dev/null
fi
log "building in $build"
cmake --build "$build" --target mock_api_cli latency_client >/dev/null ||
    die "build failed (set BUILD_DIR to a private tree if $build is mid-edit)"
mock_bin=$build/mock_api/mock_api
client_bin=$build/bench/latency_client

# --- (a) injected-latency accuracy ------------------------------------------------------
cat >"$work/latency.yaml" <<EOF
name: bench-latency
seed: 1
jobs:
  count: 2000
latency:
  list_ms: 0
  detail_ms: $delay_ms
limits:
  max_connections: 4096
EOF
mkdir -p "$work/a"
start_mock latency "$work/latency.yaml"
# Ids from the list (unique per run as long as concurrency <= 2000); passing them keeps the
# client's own GET /jobs out of the journal.
ids=$(curl_ "$mock_url/jobs" | python3 -c 'import json,sys; print(",".join(str(j["id"]) for j in json.load(sys.stdin)))')
for row in $rows; do
    conc=${row%%:*} spread=${row##*:}
    log "latency: concurrency $conc, spread ${spread} ms"
    "$client_bin" --url "$mock_url" --concurrency "$conc" --ids "$ids" --spread-ms "$spread" \
        >/dev/null || die "warm-up run failed"
    for ((r = 1; r <= repeats; r++)); do
        dir=$work/a/$row/$r
        mkdir -p "$dir"
        curl_ -X POST "$mock_url/__admin/reset" >/dev/null
        before=$(cpu_ms "$mock_pid")
        "$client_bin" --url "$mock_url" --concurrency "$conc" --ids "$ids" --spread-ms "$spread" \
            --samples >"$dir/client.json" || log "client reported errors (kept in the figures)"
        # The server journals an entry right after its last write, so a fast client can be
        # done first: wait until no entry is open before taking the journal.
        for ((i = 0; i < 50; i++)); do
            curl_ "$mock_url/__admin/journal" >"$dir/journal.json"
            python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["entries"]
sys.exit(any(x["finished_us"] == 0 for x in e))' "$dir/journal.json" && break
            sleep 0.1
        done
        echo "$before $(cpu_ms "$mock_pid")" >"$dir/server_cpu"
    done
done
stop "$mock_pid"

# --- (b) throughput: mock_api vs nginx -------------------------------------------------
cat >"$work/throughput.yaml" <<EOF
name: bench-throughput
seed: 1
jobs:
  count: 50
latency:
  list_ms: 0
  detail_ms: 0
limits:
  max_connections: 4096
EOF
start_mock throughput "$work/throughput.yaml"
mkdir -p "$work/www" "$work/nginx-tmp"
curl_ "$mock_url/jobs" -o "$work/www/jobs"
chmod 644 "$work/www/jobs"
nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/nginx.conf" <<EOF
worker_processes auto;
daemon off;
master_process on;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx-tmp/body;
    proxy_temp_path $work/nginx-tmp/proxy;
    fastcgi_temp_path $work/nginx-tmp/fastcgi;
    uwsgi_temp_path $work/nginx-tmp/uwsgi;
    scgi_temp_path $work/nginx-tmp/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/www;
        location = /jobs { default_type application/json; }
    }
}
EOF
/usr/sbin/nginx -p "$work" -e "$work/nginx.err" -c "$work/nginx.conf" 2>"$work/nginx.stderr" &
nginx_pid=$!
pids+=("$nginx_pid")
nginx_url=http://127.0.0.1:$nginx_port
for ((i = 0; i < 100; i++)); do
    curl -s --max-time 1 "$nginx_url/jobs" -o "$work/nginx_jobs" && break
    kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/nginx.err" "$work/nginx.stderr" >&2; die "nginx did not start"; }
    sleep 0.05
done
cmp -s "$work/www/jobs" "$work/nginx_jobs" || die "nginx does not serve the same bytes"

# run_wrk NAME URL: wrk against URL (1 s warm-up first), output in $work/wrk_NAME.txt. In the
# background + wait, so that a signal interrupts the script at once and cleanup stops wrk.
run_wrk() {
    local seconds pid
    for seconds in 1 "$wrk_seconds"; do
        timeout $((seconds + 20)) wrk -t2 -c64 -d"${seconds}s" "$2" >"$work/wrk_$1.txt" &
        pid=$!
        pids+=("$pid")
        wait "$pid" || die "wrk failed against $2"
        forget "$pid"
    done
}
log "throughput: wrk -t2 -c64 -d${wrk_seconds}s, mock_api"
run_wrk mock "$mock_url/jobs"
log "throughput: wrk -t2 -c64 -d${wrk_seconds}s, nginx"
run_wrk nginx "$nginx_url/jobs"
stop "$nginx_pid"
stop "$mock_pid"

# --- report -----------------------------------------------------------------------------
python3 - "$work" "$out" "$delay_ms" "$rows" "$repeats" "$wrk_seconds" "$(stat -c %s "$work/www/jobs")" <<'EOF'
import json, math, os, re, sys

work, out, delay, rows, repeats, wrk_seconds, body_bytes = sys.argv[1:]
delay, repeats = float(delay), int(repeats)

def pct(values, p):
    """Nearest-rank percentile (the definition latency_client uses)."""
    v = sorted(values)
    return v[min(len(v), max(1, math.ceil(p / 100 * len(v)))) - 1] if v else float("nan")

def stats(values):
    return {"p50": pct(values, 50), "p99": pct(values, 99), "max": max(values, default=float("nan"))}

latency_rows = []
for row in rows.split():
    conc, spread = (int(x) for x in row.split(":"))
    server_err, client_err, inbound, outbound = [], [], [], []
    peaks, lags, errors, server_cpu, client_cpu, count = [], [], 0, 0.0, 0.0, 0
    for r in range(1, repeats + 1):
        d = os.path.join(work, "a", row, str(r))
        client = json.load(open(os.path.join(d, "client.json")))
        journal = json.load(open(os.path.join(d, "journal.json")))
        before, after = (float(x) for x in open(os.path.join(d, "server_cpu")).read().split())
        server_cpu += after - before
        client_cpu += client["cpu_ms"]
        count += client["count"]
        errors += client["errors"]
        peaks.append(journal["peak_in_flight"])
        detail = {e["job_id"]: e for e in journal["entries"]
                  if e["endpoint"] == "detail" and e["status"] == 200 and e["outcome"] == "answered"}
        errors += sum(1 for e in journal["entries"] if e["endpoint"] == "detail") - len(detail)
        server_err += [(e["finished_us"] - e["received_us"]) / 1000 - delay for e in detail.values()]
        if detail:  # how far the last answer trails the last deadline: the batch's own lag
            lags.append((max(e["finished_us"] for e in detail.values()) -
                         max(e["received_us"] for e in detail.values())) / 1000 - delay)
        for s in client["samples"]:
            client_err.append((s["done_us"] - s["sent_us"]) / 1000 - delay)
            e = detail.get(s["id"])
            if e:
                inbound.append((e["received_us"] - s["sent_us"]) / 1000)
                outbound.append((s["done_us"] - e["finished_us"]) / 1000)
    latency_rows.append({
        "concurrency": conc, "spread_ms": spread, "runs": repeats, "requests": count,
        "errors": errors, "peak_in_flight_min": min(peaks), "peak_in_flight_max": max(peaks),
        "server_error_ms": stats(server_err), "client_error_ms": stats(client_err),
        "batch_lag_ms_max": max(lags, default=float("nan")),
        "send_to_received_ms": stats(inbound), "finished_to_done_ms": stats(outbound),
        "server_cpu_us_per_request": 1000 * server_cpu / max(count, 1),
        "client_cpu_us_per_request": 1000 * client_cpu / max(count, 1),
        "target_met": pct(server_err, 99) < 2 and min(peaks) == conc and errors == 0,
    })

def wrk(name):
    text = open(os.path.join(work, f"wrk_{name}.txt")).read()
    num = lambda pattern: float(m.group(1)) if (m := re.search(pattern, text)) else 0.0
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {"requests_per_s": num(r"Requests/sec:\s+([\d.]+)"),
            "requests": int(num(r"(\d+) requests in")),
            "non_2xx": int(num(r"Non-2xx or 3xx responses: (\d+)")),
            "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0}

mock, nginx = wrk("mock"), wrk("nginx")
ratio = mock["requests_per_s"] / nginx["requests_per_s"] if nginx["requests_per_s"] else 0.0
result = {
    "latency": {"detail_ms": delay, "rows": latency_rows},
    "throughput": {"command": f"wrk -t2 -c64 -d{wrk_seconds}s", "path": "/jobs",
                   "body_bytes": int(body_bytes), "mock_api": mock, "nginx": nginx,
                   "ratio": ratio, "target_met": ratio >= 0.5},
}
with open(out, "w") as f:
    json.dump(result, f, indent=2)

print(f"\n(a) injected latency {delay:.0f} ms; errors vs {delay:.0f} ms in ms, p50/p99/max; "
      f"{repeats} runs per row pooled")
head = (f"{'conc':>5} {'spread':>6} {'reqs':>5} {'err':>3} {'peak':>9} | {'server-side error':>21} | "
        f"{'client-observed error':>21} | {'send->recv p50/p99':>18} | {'cpu us/req srv/cli':>18} | ok")
print(head)
print("-" * len(head))
trip = lambda s: f"{s['p50']:6.2f} {s['p99']:6.2f} {s['max']:7.2f}"
for r in latency_rows:
    peak = (f"{r['peak_in_flight_min']}" if r["peak_in_flight_min"] == r["peak_in_flight_max"]
            else f"{r['peak_in_flight_min']}-{r['peak_in_flight_max']}")
    legs = f"{r['send_to_received_ms']['p50']:8.2f} {r['send_to_received_ms']['p99']:8.2f}"
    cpu = f"{r['server_cpu_us_per_request']:8.0f} {r['client_cpu_us_per_request']:8.0f}"
    print(f"{r['concurrency']:>5} {r['spread_ms']:>6} {r['requests']:>5} {r['errors']:>3} {peak:>9} | "
          f"{trip(r['server_error_ms'])} | {trip(r['client_error_ms'])} | {legs} | {cpu} | "
          f"{'yes' if r['target_met'] else 'NO'}")
print("server-side = journal finished_us - received_us; client-observed = send -> last byte; "
      "send->recv = client send -> server parsed;\ncpu = CPU time per request during the runs "
      "(server from /proc, 10 ms ticks); ok = server p99 < 2 ms, peak == conc, no errors")
print(f"\n(b) GET /jobs ({body_bytes} bytes), wrk -t2 -c64 -d{wrk_seconds}s")
for name, w in (("mock_api", mock), ("nginx", nginx)):
    print(f"{name:>9}: {w['requests_per_s']:10.0f} req/s  ({w['requests']} requests, "
          f"{w['non_2xx']} non-2xx, {w['socket_errors']} socket errors)")
print(f"    ratio: {ratio:10.2f}  (target >= 0.5: {'yes' if ratio >= 0.5 else 'NO'})")
print(f"\nfigures written to {out}")
EOF
