#!/usr/bin/env bash
# fanout_floor.sh: the floor of this machine for the 2,000 x 100 ms fan-out (GET /jobs, then
# 2000 concurrent GET /jobs/{id}, each answered 100 ms after the server read it), loopback only.
# Crosses clients with servers to separate client cost from server cost:
#   clients  floor   bench/floor/floor.cpp `client`: raw epoll, one connection per id, the
#                    cheapest HTTP any client can do (single thread)
#            floor2  the same on 2 threads
#            floorpc the same (1 thread), but opens all 2000 connections before writing any request
#            rt      rt_bench fanout (bench/runtime/rt_bench.cpp)
#            asio    asio_bench fanout (Boost.Beast)
#   servers  mock    mock_api (cpp-httplib, a thread per connection), scenario below
#            floor   floor `server`: single-thread epoll + timerfd, the cheapest server
#            floormt the same with 2 worker threads sharing the listening socket
# (the floor client and servers: the CMake target fanout_floor, bench/floor/floor.cpp).
# Every client prints one JSON line with fanout_ms (first detail request -> last response).
# Runs REPEATS rounds after one discarded warm-up round; a round waits for a quiet machine (no
# compiler/linker running and both cores under 15% busy for a second; at most WAIT_BUDGET s of
# waiting over the whole script), then runs every combination once, interleaved. Before each
# run the server's journal is reset; after it, the journal gives the server-side arrival spread
# (last detail received - first) and how late the slowest answer was (max finished - received
# - 100 ms); server CPU per run comes from /proc/PID/stat (10 ms ticks).
#
# Usage: bench/fanout_floor.sh
# Environment (defaults):
#   REPEATS=5  CLIENTS="floor floor2 floorpc rt asio"  SERVERS="mock floor floormt"  WAIT_BUDGET=2400
#   BUILD_DIR=<repo>/build-bench-rt   CMake build tree (configured Release, tests off, if absent,
#                                     as bench/runtime_bench.sh does)
#   FLOOR_BIN=$BUILD_DIR/bench/fanout_floor   MOCK_BIN=$BUILD_DIR/mock_api/mock_api
#   RT_BENCH=$BUILD_DIR/bench/rt_bench        ASIO_BENCH=$BUILD_DIR/bench/asio_bench
#   OUT=/tmp/fanout_floor.tsv   every measured run, one line each
# Of the programs the chosen CLIENTS and SERVERS need, those at their default path that do not
# exist yet are built (targets fanout_floor, mock_api_cli, rt_bench, asio_bench); existing ones
# are used as they are: after editing a source, rebuild with cmake --build "$BUILD_DIR".
# Every process started here is stopped on exit (bench/lib.sh), failure included. ~2 min for
# 5 rounds.
# Measured on the 2-core dev VM (7 rounds, quiet): floor -> floor ~164 ms median, floor -> mock
# ~175 ms, rt -> mock ~215 ms; the fan-out is ~100 ms + the time to open 2000 connections and
# write the requests (~30 us each here), so 1.2x is out of reach at 2000 for any client.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench-rt}
repeats=${REPEATS:-5}
read -r -a clients <<<"${CLIENTS:-floor floor2 floorpc rt asio}"
read -r -a servers <<<"${SERVERS:-mock floor floormt}"
wait_budget=${WAIT_BUDGET:-2400}
floor_bin=${FLOOR_BIN:-$build/bench/fanout_floor}
mock_bin=${MOCK_BIN:-$build/mock_api/mock_api}
rt_bin=${RT_BENCH:-$build/bench/rt_bench}
asio_bin=${ASIO_BENCH:-$build/bench/asio_bench}
out=${OUT:-/tmp/fanout_floor.tsv}
jobs_count=2000
detail_ms=100

work=$(mktemp -d /tmp/fanout_floor.XXXXXX)
bench_name=fanout_floor
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

# --- prerequisites --------------------------------------------------------------------------
# 2000 client sockets at once (and as many server threads/sockets): raise the fd limit.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
(($(ulimit -n) >= 4200)) || die "ulimit -n is $(ulimit -n); need at least 4200"
for tool in curl python3 timeout; do
    command -v "$tool" >/dev/null || die "missing $tool"
done

# The programs the chosen clients and servers need; those at their default path (not
# overridden) are brought up to date with the sources (a no-op build when they are).
needed=()
targets=()
need() { # need PATH DEFAULT_PATH TARGET
    needed+=("$1")
    if [[ $1 == "$2" ]]; then
        targets+=("$3")
    fi
}
for c in "${clients[@]}"; do
    case $c in
    floor | floor2 | floorpc) need "$floor_bin" "$build/bench/fanout_floor" fanout_floor ;;
    rt) need "$rt_bin" "$build/bench/rt_bench" rt_bench ;;
    asio) need "$asio_bin" "$build/bench/asio_bench" asio_bench ;;
    *) die "unknown client $c" ;;
    esac
done
for s in "${servers[@]}"; do
    case $s in
    mock) need "$mock_bin" "$build/mock_api/mock_api" mock_api_cli ;;
    floor | floormt) need "$floor_bin" "$build/bench/fanout_floor" fanout_floor ;;
    *) die "unknown server $s" ;;
    esac
done
if ((${#targets[@]} > 0)); then
    read -r -a targets <<<"$(printf '%s\n' "${targets[@]}" | sort -u | tr '\n' ' ')"
    command -v cmake >/dev/null || die "missing cmake"
    if [[ ! -f $build/CMakeCache.txt ]]; then
        command -v ninja >/dev/null || die "missing ninja"
        log "configuring $build (Release)"
        cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DTG_BUILD_TESTS=OFF -DTG_BUILD_BENCH=ON >"$work/configure.log" 2>&1 ||
            { cat "$work/configure.log" >&2; die "configure failed"; }
    fi
    log "building ${targets[*]} in $build"
    cmake --build "$build" --parallel 2 --target "${targets[@]}" >"$work/build.log" 2>&1 ||
        { tail -40 "$work/build.log" >&2; die "build failed (set BUILD_DIR to a private tree if $build is mid-edit)"; }
fi
if [[ -f $build/CMakeCache.txt ]]; then
    build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
    [[ $build_type == Release ]] ||
        log "warning: $build is a $build_type build; figures are meant for Release"
fi
for bin in "${needed[@]}"; do
    [[ -x $bin ]] || die "missing $bin"
done

scenario=$work/floor-fanout.yaml
fanout_scenario "$scenario" floor-fanout "$jobs_count" "$detail_ms"

# --- servers ------------------------------------------------------------------------------
# Each server S gets url_S and pid_S (start_mock, start_server: bench/lib.sh).
for s in "${servers[@]}"; do
    case $s in
    mock) start_mock mock "$scenario" ;;
    floor) start_server floor "$floor_bin" server 0 "$jobs_count" "$detail_ms" ;;
    floormt) start_server floormt "$floor_bin" server 0 "$jobs_count" "$detail_ms" 2 ;;
    esac
    printf -v "url_$s" '%s' "$server_url"
    printf -v "pid_$s" '%s' "$server_pid"
    log "$s: $server_url (pid $server_pid)"
done

# --- quiet machine ------------------------------------------------------------------------
# pgrep -x refuses patterns longer than 15 characters, so the command names go through grep
# (not -q: with pipefail, ps killed by SIGPIPE would make a match look like no match).
# shellcheck disable=SC2009
busy() {
    ps -eo comm= | grep -Ex 'cc1|cc1plus|collect2|ld|ld\.bfd|ld\.gold|ld\.lld|mold|ninja|cmake|make|rustc|cargo' >/dev/null
}
# cpu_busy: percent of both cores busy over the next second (/proc/stat); catches any other
# load (tests, other benchmarks), which the compiler check does not.
cpu_busy() {
    local a b
    read -r -a a < <(head -1 /proc/stat)
    sleep 1
    read -r -a b < <(head -1 /proc/stat)
    local total=0 idle i
    for ((i = 1; i < ${#a[@]}; i++)); do
        total=$((total + b[i] - a[i]))
    done
    idle=$((b[4] + b[5] - a[4] - a[5]))
    echo $((total > 0 ? 100 * (total - idle) / total : 0))
}
waited=0
wait_quiet() {
    local t0=$SECONDS
    while busy || (($(cpu_busy) > 15)); do
        if ((waited + SECONDS - t0 >= wait_budget)); then
            log "WARNING: machine still busy after ${wait_budget}s of waiting; measuring anyway"
            noisy=1
            break
        fi
        sleep 10
    done
    waited=$((waited + SECONDS - t0))
    pre_busy=$(cpu_busy)
}

# --- one run ------------------------------------------------------------------------------
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run_one CLIENT SERVER ROUND: one measured fan-out; appends a line to $out unless ROUND is 0.
run_one() {
    local client=$1 server=$2 round=$3 url pid spid cmd file=$work/run.json c0 c1 rc=0
    url=url_$server
    url=${!url}
    spid=pid_$server
    spid=${!spid}
    case $client in
    floor) cmd=("$floor_bin" client "$url") ;;
    floor2) cmd=("$floor_bin" client "$url" 0 2) ;;
    floorpc) cmd=("$floor_bin" client "$url" 0 1 preconnect) ;;
    rt) cmd=("$rt_bin" fanout "$url") ;;
    asio) cmd=("$asio_bin" fanout "$url") ;;
    esac
    curl -sS --fail --max-time 10 -X POST "$url/__admin/reset" >/dev/null
    c0=$(cpu_ticks "$spid")
    timeout 60 "${cmd[@]}" >"$file" 2>"$file.err" &
    pid=$!
    pids+=("$pid")
    wait "$pid" || rc=$?
    forget "$pid"
    c1=$(cpu_ticks "$spid")
    if ((rc != 0)) || [[ ! -s $file ]]; then
        cat "$file.err" >&2
        log "$client -> $server failed (exit $rc)"
    fi
    [[ -s $file.err ]] && sed "s/^/  ($client -> $server) /" "$file.err" >&2
    sleep 0.2 # mock_api closes journal entries after its last send() returns
    curl -sS --fail --max-time 10 "$url/__admin/journal" >"$work/journal.json"
    ((round == 0)) && return 0
    python3 - "$file" "$work/journal.json" "$client" "$server" "$round" \
        "$(((c1 - c0) * 1000 / $(getconf CLK_TCK)))" "$(cut -d' ' -f1 /proc/loadavg)" \
        "$detail_ms" "$pre_busy" >>"$out" <<'PY'
import json, sys
path, jpath, client, server, rnd, cpu_ms, load, delay, pre_busy = sys.argv[1:]
try:
    r = json.loads(open(path).read().strip().splitlines()[-1])
except Exception:
    r = {}
e = [x for x in json.load(open(jpath))["entries"] if x["endpoint"] == "detail"]
recv = [x["received_us"] for x in e]
late = [x["finished_us"] - x["received_us"] - int(delay) * 1000 for x in e if x["finished_us"]]
spread = (max(recv) - min(recv)) / 1000 if recv else float("nan")
# floor clients give the CLOCK_MONOTONIC time of their first connect(): when did the last
# request reach the server, counted from there?
last_arrival = (max(recv) - r["t0_us"]) / 1000 if recv and "t0_us" in r else float("nan")
print("\t".join(str(v) for v in (
    client, server, rnd, r.get("fanout_ms", float("nan")), r.get("ok", 0), len(e),
    round(spread, 3), round(max(late) / 1000, 3) if late else float("nan"),
    round(last_arrival, 3), r.get("first_connect_to_last_send_ms", float("nan")),
    r.get("first_send_to_last_done_ms", float("nan")),
    cpu_ms, load, pre_busy)))
PY
}

# --- rounds ---------------------------------------------------------------------------------
noisy=0
pre_busy=0
printf 'client\tserver\tround\tfanout_ms\tok\tdetails_journaled\tarrival_spread_ms\tserver_late_max_ms\tlast_arrival_ms\tclient_last_send_ms\tsend_to_done_ms\tserver_cpu_ms\tload1\tround_pre_busy_pct\n' >"$out"
log "warm-up round (discarded)"
wait_quiet
for s in "${servers[@]}"; do
    for c in "${clients[@]}"; do
        run_one "$c" "$s" 0
    done
done
for ((round = 1; round <= repeats; round++)); do
    wait_quiet
    log "round $round/$repeats, load $(cut -d' ' -f1-3 /proc/loadavg), cpu busy ${pre_busy}%"
    for s in "${servers[@]}"; do
        for c in "${clients[@]}"; do
            run_one "$c" "$s" "$round"
        done
    done
done

# --- table ----------------------------------------------------------------------------------
python3 - "$out" "$repeats" "$detail_ms" "$noisy" "$waited" <<'PY'
import csv, math, statistics, sys
path, repeats, delay, noisy, waited = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
rows = list(csv.DictReader(open(path), delimiter="\t"))
groups = {}
for r in rows:
    groups.setdefault((r["client"], r["server"]), []).append(r)
def med(rs, key):
    v = [float(r[key]) for r in rs if r[key] not in ("nan", "")]
    v = [x for x in v if not math.isnan(x)]
    return statistics.median(v) if v else float("nan")
print(f"\n2000 x {delay:.0f} ms fan-out, {repeats} runs each (median, min-max); ideal {delay:.0f} ms, 1.2x = {1.2*delay:.0f} ms")
print(f"{'client -> server':18} {'fanout ms median':>16} {'min':>7} {'max':>7} {'x ideal':>7} {'ok':>5}"
      f" {'arrival spread':>14} {'late max':>8} {'last arr.':>9} {'last send':>9} {'send->done':>10} {'srv cpu':>7}")
for (c, s), rs in groups.items():
    f = sorted(float(r["fanout_ms"]) for r in rs)
    m = statistics.median(f)
    print(f"{c + ' -> ' + s:18} {m:16.1f} {f[0]:7.1f} {f[-1]:7.1f} {m/delay:7.2f}"
          f" {min(int(r['ok']) for r in rs):5d} {med(rs,'arrival_spread_ms'):14.1f}"
          f" {med(rs,'server_late_max_ms'):8.1f} {med(rs,'last_arrival_ms'):9.1f}"
          f" {med(rs,'client_last_send_ms'):9.1f} {med(rs,'send_to_done_ms'):10.1f} {med(rs,'server_cpu_ms'):7.0f}")
loads = [float(r["load1"]) for r in rows]
busy = [int(r["round_pre_busy_pct"]) for r in rows]
print(f"\nload1 during runs: {min(loads):.2f}-{max(loads):.2f} (mock_api's 2000 threads inflate it);"
      f" CPU busy before rounds: {min(busy)}-{max(busy)}%; waited {waited} s for a quiet machine"
      + ("; WARNING: measured while a compiler/linker was running" if noisy == "1" else ""))
print("arrival spread = last - first detail received (server journal); late max = slowest answer's"
      " finished - received - delay;\nlast arr. / last send = last request received by the server /"
      " written by the client, from the client's first connect,\nsend->done = first request written -> last response (floor clients only);"
      " srv cpu = server CPU per run (10 ms ticks)")
print(f"raw runs: {path}")
PY
