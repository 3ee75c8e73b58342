#!/usr/bin/env bash
# Measures what a scenario run costs beyond the candidate's own run time: sandbox supervisor
# and runner (namespaces, fork, limits), starting the run's mock_api and reading its address,
# stopping it (journal write), and the analysis. Loopback only, inside the sandbox's netns.
#
#   bench/grader_overhead.sh [BUILD_DIR]     (default build/; REPEATS=3)
#
# Two submissions: a shell one that exits at once (the overhead alone) and the Rust reference
# (a realistic run; its first grading also warms the dependency cache, which is not counted).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
repeats=${REPEATS:-3}
[[ -x $build/grader/grader ]] || scripts/build.sh "$build"
grader=$build/grader/grader
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/noop"
printf 'language: sh\nrun: "true"\n' >"$work/noop/submission.yaml"
"$grader" grade submissions/rust/reference --json "$work/warmup.json" >/dev/null || true

for sub in "$work/noop" submissions/rust/reference; do
    for i in $(seq "$repeats"); do
        start=$(date +%s.%N)
        "$grader" grade "$sub" --json "$work/$(basename "$sub")-$i.json" >/dev/null || true
        end=$(date +%s.%N)
        echo "$end - $start" | bc >"$work/$(basename "$sub")-$i.total"
    done
done

python3 - "$work" "$repeats" <<'PY'
import json, statistics, sys, os
work, repeats = sys.argv[1], int(sys.argv[2])
for sub in ("noop", "reference"):
    rows = {}
    totals, builds = [], []
    for i in range(1, repeats + 1):
        r = json.load(open(os.path.join(work, f"{sub}-{i}.json")))
        totals.append(float(open(os.path.join(work, f"{sub}-{i}.total")).read()))
        builds.append(r["build"]["seconds"])
        for s in r["scenarios"]:
            if s["ran"]:
                rows.setdefault(s["name"], []).append((s["outcome"]["wall_s"], s["overhead_s"], s["outcome"]["mock_start_s"]))
    print(f"\n== {sub}: grade total {statistics.median(totals):.2f} s median of {repeats} "
          f"(build {statistics.median(builds):.2f} s), isolation: {r['isolation']}")
    print(f"  {'scenario':16} {'candidate wall s':>17} {'overhead s (p50/max)':>22} {'mock start s':>13}")
    all_overhead = []
    for name, vals in rows.items():
        walls = [v[0] for v in vals]; over = [v[1] for v in vals]; mock = [v[2] for v in vals]
        all_overhead += over
        print(f"  {name:16} {statistics.median(walls):17.3f} {statistics.median(over):10.3f} / {max(over):.3f} {statistics.median(mock):13.3f}")
    print(f"  overhead per scenario run: median {statistics.median(all_overhead):.3f} s, max {max(all_overhead):.3f} s")
PY
