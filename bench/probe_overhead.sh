#!/usr/bin/env bash
# probe_overhead.sh: what the blocking-call probe (grader/probe, libtg_probe.so) costs the
# programs it is injected into. Loopback only (mock_api on 127.0.0.1); prints a table.
#
# Usage: bench/probe_overhead.sh
#   Each program runs REPEATS times without and with the probe (LD_PRELOAD + TG_PROBE_LOG),
#   the two interleaved, and the medians are compared:
#     cpu       bench/probe_cpu.cpp: ~1.5 s of hashing and sorting, a file write per round;
#               the whole process's CPU time, the probe's load and symbol scan included
#     cpu-wall  the same program's wall time
#     calls-*   bench/probe_calls.cpp: one pread of a regular file in an rt program, the
#               probe's per-call price where it checks every such call: outside the runtime,
#               in spawn_blocking, in a task (reported); microseconds per call
#     spawn-mt  rt_bench spawn-mt: 1M tasks spawned and joined on 2 workers (a runtime's hot
#               loop: CPU-bound, through the probe's epoll and futex paths); ns per task
#     fanout    rt_bench fanout against mock_api: GET /jobs then 200 concurrent
#               GET /jobs/{id}, each answered after DETAIL_MS; the fan-out's wall time
#     tokio     (TOKIO=1) the same fan-out with tokio + reqwest (bench/runtime/tokio, cargo)
#     *-cpu     the fan-outs' process CPU time (user + system): the probe's checks without the
#               network's noise
#   Targets (reported, not enforced): under 2 % on cpu, under 5 ms on the 200-request fan-out.
# Environment:
#   BUILD_DIR  CMake build tree (default <repo>/build-bench-probe; configured Release, tests
#              off, if absent)
#   REPEATS    runs per program and side (default 9)
#   DETAIL_MS  the mock's detail latency (default 20)
#   TOKIO      1: also the tokio fan-out (first cargo build ~1 min on 2 cores)
#   CARGO      cargo binary (default ~/.cargo/bin/cargo)
# Every process started here is stopped on exit, failure included. ~1 min once built.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench-probe}
repeats=${REPEATS:-9}
detail_ms=${DETAIL_MS:-20}
jobs_count=200
cargo=${CARGO:-$HOME/.cargo/bin/cargo}

work=$(mktemp -d /tmp/probe_overhead.XXXXXX)
bench_name=probe_overhead
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

# --- build -------------------------------------------------------------------------------
for tool in cmake ninja curl python3 c++; do
    command -v "$tool" >/dev/null || die "missing $tool"
done
if [[ ! -f $build/CMakeCache.txt ]]; then
    log "configuring $build (Release)"
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DTG_BUILD_TESTS=OFF -DTG_BUILD_BENCH=ON >"$work/configure.log" 2>&1 ||
        { cat "$work/configure.log" >&2; die "configure failed"; }
fi
log "building tg_probe, rt_bench, mock_api in $build"
cmake --build "$build" --parallel 2 --target tg_probe rt_bench mock_api_cli runtime \
    >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; die "build failed"; }
c++ -O2 -std=c++20 -o "$work/probe_cpu" "$repo/bench/probe_cpu.cpp" ||
    die "cannot build probe_cpu"
c++ -O2 -std=c++20 -I"$repo/runtime/include" -o "$work/probe_calls" \
    "$repo/bench/probe_calls.cpp" "$build/runtime/libtakehome_runtime.a" -pthread ||
    die "cannot build probe_calls"
probe=$build/grader/probe/libtg_probe.so
mock_bin=$build/mock_api/mock_api
programs=(cpu cpu-wall calls-outside calls-pool calls-task spawn-mt fanout fanout-cpu)

if [[ ${TOKIO:-0} == 1 ]]; then
    log "building tokio_bench (cargo, offline)"
    crate=$build/bench/tokio-crate
    mkdir -p "$crate"
    cp -rp "$repo/bench/runtime/tokio/Cargo.toml" "$repo/bench/runtime/tokio/src" "$crate/"
    # Same settings and target directory as runtime_bench.sh: one build serves both.
    (cd "$crate" && CARGO_INCREMENTAL=0 "$cargo" build --release --offline --jobs 2 \
        --config 'source.crates-io.replace-with="debian-packages"' \
        --config 'source.debian-packages.directory="/usr/share/cargo/registry"' \
        --target-dir "$build/bench/tokio-target") >"$work/cargo.log" 2>&1 ||
        { tail -40 "$work/cargo.log" >&2; die "cargo build failed"; }
    programs+=(tokio tokio-cpu)
fi

fanout_scenario "$work/fanout.yaml" bench-probe-fanout "$jobs_count" "$detail_ms"
start_mock mock "$work/fanout.yaml"
log "mock_api at $mock_url; $repeats runs per program and side"

# --- measure -----------------------------------------------------------------------------
python3 "$repo/bench/probe_overhead.py" --work "$work" --probe "$probe" \
    --rt-bench "$build/bench/rt_bench" --cpu "$work/probe_cpu" --calls "$work/probe_calls" \
    --tokio-bench "$build/bench/tokio-target/release/tokio_bench" --mock-url "$mock_url" \
    --repeats "$repeats" --detail-ms "$detail_ms" --jobs "$jobs_count" "${programs[@]}"
