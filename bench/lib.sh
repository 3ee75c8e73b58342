# bench/lib.sh: what the benchmark scripts share, sourced after they set
#   bench_name  the script's name for log lines
#   work        its scratch directory (removed on exit)
#   mock_bin    the mock_api executable (for start_mock)
# Every process a script starts goes into `pids`; on exit, failure included, each gets
# SIGTERM, then SIGKILL after 5 s, and $work is removed. mock_api listens on 127.0.0.1 only.
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

# Stops one started process now.
stop() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    forget "$1"
}

# start_mock NAME SCENARIO: starts mock_api on 127.0.0.1, a free port; sets mock_pid and
# mock_url. Its output goes to $work/NAME.out and .err.
start_mock() {
    local name=$1 scenario=$2 i
    : >"$work/$name.out" # exists before the background job opens it, for sed below
    "$mock_bin" --scenario "$scenario" --port 0 --host 127.0.0.1 \
        >"$work/$name.out" 2>"$work/$name.err" &
    mock_pid=$!
    pids+=("$mock_pid")
    for ((i = 0; i < 100; i++)); do
        mock_url=$(sed -n '1s/^listening on //p' "$work/$name.out")
        [[ $mock_url == http://127.0.0.1:* ]] && return 0
        kill -0 "$mock_pid" 2>/dev/null || break
        sleep 0.05
    done
    cat "$work/$name.err" >&2
    die "mock_api did not start"
}
