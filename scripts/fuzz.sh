#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang + ASan/UBSan and runs each for a bounded time.
# For CI (the default is bounded: 20 s per target) and by hand (fuzz/README.md).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     e.g. scripts/fuzz.sh 300 fuzz_mock_http
#
# 1. configures build-fuzz/ (clang++-19, TG_FUZZ, TG_SANITIZE, warnings as errors) and builds;
# 2. replays every input of fuzz/corpus/TARGET/ once with the open-bug guards off
#    (TG_FUZZ_STRICT=1): a crash fails, unless fuzz/open_bugs.txt lists the input;
# 3. fuzzes each target for SECONDS with the guards on, from its seeds (fuzz/corpus/TARGET/,
#    plus the repository's rubrics and scenarios for the YAML targets) and the corpus kept in
#    build-fuzz/corpus/TARGET/ by earlier runs.
#
# Environment: CXX (clang++-19), TG_FUZZ_BUILD_DIR (build-fuzz; CI passes its sanitizer build,
# configured with TG_FUZZ, so that the project is compiled once for both), TG_FUZZ_JOBS (2: the
# build's parallelism), TG_FUZZ_RSS_MB (2048), TG_FUZZ_TIMEOUT_S (10: one input's limit).
# Exit: 0 clean; 1 a crash, leak, timeout or out-of-memory (the input is saved under
# BUILD/fuzz-artifacts/TARGET/ and its name printed); 2 configure, build or usage error.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${TG_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-20}
if [[ ! $seconds =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
    exit 2
fi
shift || true
all_targets=(fuzz_scenario fuzz_rubric fuzz_journal fuzz_runtime_trace fuzz_run_output
    fuzz_result_json fuzz_mock_http)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
cxx=${CXX:-clang++-19}
if ! command -v "$cxx" >/dev/null; then
    echo "fuzz: $cxx not found (scripts/setup.sh --test installs it)" >&2
    exit 2
fi

# 1. Configure (once) and build only the fuzz targets.
if [[ ! -f $build/CMakeCache.txt ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER="$cxx" -DTG_FUZZ=ON -DTG_SANITIZE=ON -DTG_WARNINGS_AS_ERRORS=ON \
        -DTG_BUILD_TESTS=OFF -DTG_BUILD_BENCH=OFF >"$build.configure.log" 2>&1 ||
        { cat "$build.configure.log" >&2; exit 2; }
elif ! grep -qx 'TG_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
    echo "fuzz: $build was configured without -DTG_FUZZ=ON (and clang): it has no fuzz targets" >&2
    exit 2
fi
cmake --build "$build" --target "${targets[@]}" --parallel "${TG_FUZZ_JOBS:-2}" || exit 2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# clang 19's own symbolizer (llvm-19), when the unversioned llvm-symbolizer is not on PATH
if [[ -z ${ASAN_SYMBOLIZER_PATH:-} ]] && command -v llvm-symbolizer-19 >/dev/null; then
    ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-19)
    export ASAN_SYMBOLIZER_PATH
fi
logs=$build/fuzz-logs
mkdir -p "$logs"
failed=()
open_list=$root/fuzz/open_bugs.txt
is_open() { grep -qxF "$1" <(sed 's/[[:space:]]*#.*//' "$open_list" 2>/dev/null); }

# 2. Replay the checked-in inputs, guards off.
for t in "${targets[@]}"; do
    bin=$build/fuzz/$t
    for input in "$root/fuzz/corpus/$t"/*; do
        [[ -f $input ]] || continue
        name=$t/$(basename "$input")
        # Bounded like the fuzzing below; an open bug that reads without end hits the malloc cap.
        if TG_FUZZ_STRICT=1 "$bin" -rss_limit_mb="${TG_FUZZ_RSS_MB:-2048}" -malloc_limit_mb=512 \
            -timeout="${TG_FUZZ_TIMEOUT_S:-10}" "$input" >"$logs/replay.log" 2>&1; then
            if is_open "$name"; then
                echo "fuzz: $name no longer crashes: drop it from fuzz/open_bugs.txt and its guard"
            fi
        elif is_open "$name"; then
            echo "fuzz: $name still crashes (open bug, fuzz/open_bugs.txt)"
        else
            cat "$logs/replay.log" >&2
            echo "fuzz: FAILED replaying $name" >&2
            failed+=("$name")
        fi
    done
done

# 3. Fuzz each target for a bounded time.
seeds_for() {
    local t=$1
    echo "$root/fuzz/corpus/$t"
    case $t in
    fuzz_rubric | fuzz_scenario)
        # The real rubrics and scenarios, collected into one directory (libFuzzer reads dirs).
        local d=$build/fuzz-seeds/$t
        mkdir -p "$d"
        find "$root/rubrics" -name '*.yaml' -exec cp {} "$d/" \;
        echo "$d"
        ;;
    esac
}
printf '%-20s %-8s %12s %10s %8s\n' target result execs exec/s corpus >"$logs/summary.txt"
for t in "${targets[@]}"; do
    bin=$build/fuzz/$t
    corpus=$build/corpus/$t
    artifacts=$build/fuzz-artifacts/$t/
    mkdir -p "$corpus" "$artifacts"
    case $t in
    fuzz_scenario | fuzz_rubric) dict=(-dict="$root/fuzz/dict/yaml.dict") ;;
    fuzz_journal | fuzz_runtime_trace | fuzz_result_json)
        dict=(-dict="$root/fuzz/dict/json.dict")
        ;;
    fuzz_run_output) dict=(-dict="$root/fuzz/dict/run_output.dict") ;;
    fuzz_mock_http) dict=(-dict="$root/fuzz/dict/http.dict") ;;
    esac
    echo "fuzz: $t for ${seconds}s"
    mapfile -t seeds < <(seeds_for "$t")
    status=ok
    "$bin" -max_total_time="$seconds" -rss_limit_mb="${TG_FUZZ_RSS_MB:-2048}" \
        -timeout="${TG_FUZZ_TIMEOUT_S:-10}" -print_final_stats=1 -artifact_prefix="$artifacts" \
        "${dict[@]}" "$corpus" "${seeds[@]}" >"$logs/$t.log" 2>&1 || status=FAILED
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$t.log" | tail -1)
    size=$(find "$corpus" -type f | wc -l)
    printf '%-20s %-8s %12s %10s %8s\n' "$t" "$status" "${execs:--}" "${rate:--}" "$size" \
        >>"$logs/summary.txt"
    if [[ $status != ok ]]; then
        grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: broken|Test unit written)|runtime error' \
            "$logs/$t.log" | head -20 >&2 || true
        echo "fuzz: FAILED $t (log: $logs/$t.log)" >&2
        failed+=("$t")
    fi
done

cat "$logs/summary.txt"
if ((${#failed[@]})); then
    echo "fuzz: failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: all clean"
