#!/usr/bin/env bash
# Stability of the calibration corpus under load (issue 12): grades every sample under
# submissions/{rust,cpp,node,python,shell}/ ROUNDS times (default 5) and a subset, one sample per
# flaw family, SUBSET_ROUNDS times (default 20), with the other core kept busy by stress-ng (or
# a shell busy loop without it); reports every category verdict that flipped between
# gradings of the same sample. Then runs the whole test suite SUITE_ROUNDS times (default 5)
# under the same load and reports every test that failed at least once. Target: none of either.
# Everything it saw stays in OUT (default /tmp/stability-DATE): each grading's JSON result, each
# suite run's log, and for a suite run with a failure, ctest's LastTest.log (the failing test's
# whole output) as suite-N-LastTest.log.
#
#   bench/stability.sh [BUILD_DIR]      (default build/; needs a built tree and root)
#   ROUNDS=1 SUBSET_ROUNDS=2 SUITE_ROUNDS=0 bench/stability.sh    # a quick look
#   SAMPLES="shell/curl-parallel" ROUNDS=20 SUBSET_ROUNDS=0 SUITE_ROUNDS=0 bench/stability.sh
#                                       # one sample, 20 times (SAMPLES replaces the corpus)
#   TESTS='teaches on a blocking Python' SUITE_ROUNDS=10 ROUNDS=0 SUBSET_ROUNDS=0 ...
#                                       # the suite rounds run only the tests matching TESTS
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${ROUNDS:-5}
subset_rounds=${SUBSET_ROUNDS:-20}
suite_rounds=${SUITE_ROUNDS:-5}
grader=$build/grader/grader
[[ -x $grader ]] || { echo "stability: build first (scripts/build.sh $build)" >&2; exit 2; }
work=${OUT:-/tmp/stability-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$work"
: >"$work/verdicts.txt"
load_pid=
cleanup() {
    [[ -n $load_pid ]] && kill "$load_pid" 2>/dev/null && wait "$load_pid" 2>/dev/null
    echo "stability: everything this run saw is in $work" >&2
}
trap cleanup EXIT
trap "exit 130" INT TERM

# One flaw family each: correct, sequential, blocking, crash, errors policy, exception.
subset=(rust/reference rust/sequential rust/thread-sleep-in-async rust/unwrap-crash
    rust/list-failure-exit-zero cpp/exception-on-bad-body)

start_load() {
    if command -v stress-ng >/dev/null; then
        stress-ng --cpu 1 --timeout 0 --quiet &
    else
        (while :; do :; done) &
    fi
    load_pid=$!
}

# grade SAMPLE TAG: appends "SAMPLE category verdict" lines (one per category) to verdicts.txt.
grade() {
    local sample=$1 tag=$2
    local out="$work/$tag.json"
    "$grader" grade "submissions/$sample" --json "$out" >/dev/null 2>&1 || true
    if [[ ! -s $out ]]; then
        echo "$sample grading no-result" >>"$work/verdicts.txt"
        return
    fi
    python3 - "$sample" "$out" >>"$work/verdicts.txt" <<'EOF'
import json, sys
sample, path = sys.argv[1], sys.argv[2]
verdict = {}
for check in json.load(open(path))["checks"]:
    ok = verdict.get(check["category"], True)
    verdict[check["category"]] = ok and check["passed"]
for category, ok in sorted(verdict.items()):
    print(sample, category, "pass" if ok else "fail")
EOF
}

report_flips() {
    echo "=== verdicts that flipped (sample category: verdicts seen with counts)"
    sort "$work/verdicts.txt" | uniq -c | awk '{print $2, $3, $4 "x" $1}' |
        awk '{key = $1 " " $2; seen[key] = seen[key] " " $3; n[key]++}
             END {flips = 0; for (k in n) if (n[k] > 1) {print k ":" seen[k]; flips++}
                  print flips " flipped"}'
}

start_load
if [[ -n ${SAMPLES:-} ]]; then
    read -r -a corpus <<<"$SAMPLES"
else
    mapfile -t corpus < <(ls -d submissions/{rust,cpp,node,python,shell}/*/expected.yaml \
        2>/dev/null | sed 's|^submissions/||; s|/expected.yaml$||')
fi
echo "stability: ${#corpus[@]} samples x $rounds, ${#subset[@]} x $subset_rounds, suite x $suite_rounds"
for round in $(seq "$rounds"); do
    for sample in "${corpus[@]}"; do
        grade "$sample" "$round-${sample//\//-}"
    done
done
for round in $(seq "$subset_rounds"); do
    for sample in "${subset[@]}"; do
        grade "$sample" "subset-$round-${sample//\//-}"
    done
done
report_flips

echo "=== tests that failed at least once in $suite_rounds runs of the suite"
filter=()
[[ -n ${TESTS:-} ]] && filter=(-R "$TESTS")
for round in $(seq "$suite_rounds"); do
    if ! ctest --test-dir "$build" --parallel "$(nproc)" --timeout 900 "${filter[@]}" \
        >"$work/suite-$round.log" 2>&1; then
        cp "$build/Testing/Temporary/LastTest.log" "$work/suite-$round-LastTest.log" || true
    fi
    # Every line of ctest's "The following tests FAILED:" list, whatever the reason in
    # parentheses (Failed, Timeout, SEGFAULT, SIGPIPE, Subprocess aborted, ...).
    awk '/^The following tests FAILED:/ {list = 1; next}
         list && /^[ \t]*[0-9]+ - / {sub(/^[ \t]*[0-9]+ - /, ""); print; next}
         list {list = 0}' "$work/suite-$round.log" >>"$work/failed-tests.txt"
done
touch "$work/failed-tests.txt"
sort "$work/failed-tests.txt" | uniq -c
echo "$(sort -u "$work/failed-tests.txt" | wc -l) tests failed at least once"
