#!/usr/bin/env bash
# Batch grading's parallel speed-up: the same samples graded by `grader batch` with -j 1 and
# with -j 2 (each into a fresh output directory), then
#   - wall times of both batches,
#   - the ideal: the sum of the per-submission times (the -j 1 batch's own lines) / N,
#   - each batch's wall time as a ratio to its ideal (1.0: no overhead, no contention),
#   - whether any concurrency verdict, category points or pass/fail flipped between them
#     (exit 1 if one did: grading side by side must not change what a submission is judged).
#
#   bench/batch.sh [SAMPLE_DIR...]     (default: the whole corpus, submissions/{rust,cpp,node,python})
#   BUILD=build-dir bench/batch.sh ...     KEEP=1: keep both output directories to compare
#
# Measured here (2 cores shared with two other builds, load average ~5; 4 samples: rust/reference,
# rust/sequential, cpp/reference, python/asyncio-streams): -j 1 101.5 s (ideal 101.4 s, ratio
# 1.00), -j 2 86.1 s (ideal 50.7 s, ratio 1.70), speed-up 1.18x. Concurrency verdicts agreed;
# python/asyncio-streams' blocking check flipped to fail at -j 2: asyncio debug mode reported a
# task step of 101-117 ms at jobs.py:66 (its slow-callback threshold is 100 ms), which is CPU
# starvation, not a blocking call (reproduced: three copies at -j 3 under load average 8 all
# failed the same way). Run batches with -j no higher than the cores free.
# Samples are linked into a <lang>/<name> tree so their ids stay distinct (rust.reference,
# cpp.reference). The Rust dependency cache is warmed by the first batch, as in any grading.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
grader=$build/grader/grader
[[ -x $grader ]] || { echo "bench/batch.sh: build the grader first ($grader)" >&2; exit 2; }
if [[ $# -eq 0 ]]; then
    set -- submissions/{rust,cpp,node,python}/*/
fi
work=$(mktemp -d)
if [[ -n ${KEEP:-} ]]; then
    echo "batch.sh: keeping $work (both batches' outputs)"
else
    trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/subs"
for s in "$@"; do
    s=$(cd "$s" && pwd)
    lang=$(basename "$(dirname "$s")")
    mkdir -p "$work/subs/$lang"
    ln -s "$s" "$work/subs/$lang/$(basename "$s")"
done
n=$#

run_batch() { # JOBS OUT -> wall seconds on stdout, the batch's stderr in OUT.log
    local start end
    start=$(date +%s%N)
    "$grader" batch "$work/subs" --out "$2" -j "$1" 2>"$2.log" >/dev/null || true
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))e-3
}

echo "batch.sh: $n samples: $*"
wall1=$(run_batch 1 "$work/j1")
wall2=$(run_batch 2 "$work/j2")
python3 - "$work" "$n" "$wall1" "$wall2" <<'PY'
import csv, re, sys
work, n, wall1, wall2 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
times = {}
for line in open(f"{work}/j1.log"):
    m = re.match(r"batch: \[\d+/\d+\] (\S+): .* in ([0-9.]+) s$", line.strip())
    if m:
        times[m.group(1)] = float(m.group(2))
total = sum(times.values())
print(f"per-submission times (-j 1): " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(times.items())))
print(f"sum of per-submission times: {total:.1f} s over {len(times)} submissions")
for jobs, wall in ((1, wall1), (2, wall2)):
    ideal = total / jobs
    print(f"-j {jobs}: wall {wall:.1f} s; ideal {ideal:.1f} s; ratio {wall / ideal:.2f}")
print(f"speed-up -j 2 over -j 1: {wall1 / wall2:.2f}x")
def rows(d):
    with open(f"{work}/{d}/summary.csv", newline="") as f:
        return {r["id"]: r for r in csv.DictReader(f)}
a, b = rows("j1"), rows("j2")
flipped = []
for k in sorted(set(a) | set(b)):
    ra, rb = a.get(k, {}), b.get(k, {})
    for col in ("passed", "concurrency", "blocking"):
        if ra.get(col) != rb.get(col):
            flipped.append(f"{k}: {col} {ra.get(col)} (-j 1) vs {rb.get(col)} (-j 2)")
if flipped:
    print("FLIPPED between -j 1 and -j 2:\n  " + "\n  ".join(flipped))
    sys.exit(1)
print(f"no verdict flipped: passed, concurrency and blocking agree for all {len(a)} submissions")
PY
