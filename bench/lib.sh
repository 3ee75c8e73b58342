# bench/lib.sh: what the benchmark scripts share, sourced after they set
#   bench_name  the script's name for log lines
#   work        its scratch directory (removed on exit)
#   mock_bin    the mock_api executable (for start_mock)
# Every process a script starts goes into `pids`; on exit, failure included, each gets
# SIGTERM, then SIGKILL after 5 s, and $work is removed. mock_api listens on 127.0.0.1 only,
# and so must any server started with start_server.
# shellcheck shell=bash disable=SC2154

pids=()

log() { printf '%s\n' "$bench_name: $(date +%T) $*" >&2; }
die() {
    log "$*"
    exit 1
}

# Stops every process this script started (SIGTERM, then SIGKILL after 5 s), removes $work.
cleanup() {
    local pid i
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Drops a reaped process from the list, so that cleanup never signals a reused pid.
forget() {
    local rest=() p
    for p in "${pids[@]}"; do
        [[ $p == "$1" ]] || rest+=("$p")
    done
    pids=("${rest[@]}")
}

# Keeps one core busy until the script exits (stress-ng --cpu 1 if installed, else a shell
# loop): the "other core busy" condition of the benchmarks and of the stability run.
start_busy_core() {
    if command -v stress-ng >/dev/null; then
        stress-ng --cpu 1 --timeout 0 --quiet &
    else
        (while :; do :; done) &
    fi
    pids+=($!)
}

# Stops one started process now.
stop() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    forget "$1"
}

# start_server NAME CMD...: starts CMD, a server whose first stdout line is
# `listening on http://127.0.0.1:PORT`, and waits (up to 5 s) for that line; sets server_pid
# and server_url. Its output goes to $work/NAME.out and .err. Dies if it does not start.
start_server() {
    local name=$1 i
    shift
    : >"$work/$name.out" # exists before the background job opens it, for sed below
    "$@" >"$work/$name.out" 2>"$work/$name.err" &
    server_pid=$!
    pids+=("$server_pid")
    for ((i = 0; i < 100; i++)); do
        server_url=$(sed -n '1s/^listening on //p' "$work/$name.out")
        [[ $server_url == http://127.0.0.1:* ]] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    cat "$work/$name.err" >&2
    die "${1##*/} did not start ($name)"
}

# fanout_scenario FILE NAME JOBS DETAIL_MS: writes the fan-out scenario the runtime benchmarks
# share: JOBS generated jobs, an immediate list, every detail answered after DETAIL_MS.
fanout_scenario() {
    cat >"$1" <<EOF
name: $2
seed: 1
jobs:
  count: $3
latency:
  list_ms: 0
  detail_ms: $4
limits:
  max_connections: 4096
EOF
}

# start_mock NAME SCENARIO: starts mock_api on 127.0.0.1, a free port; sets mock_pid and
# mock_url (and server_pid, server_url). Its output goes to $work/NAME.out and .err.
# shellcheck disable=SC2034 # mock_pid and mock_url are for the sourcing script
start_mock() {
    start_server "$1" "$mock_bin" --scenario "$2" --port 0 --host 127.0.0.1
    mock_pid=$server_pid
    mock_url=$server_url
}
