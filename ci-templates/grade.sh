#!/usr/bin/env bash
# The scripted steps of the CI templates (github-actions.yml, gitlab-ci.yml), one place for
# both, runnable by hand and tested locally (tests/grader/ci_templates_test.cpp):
#
#   ci-templates/grade.sh setup                  install (scripts/setup.sh) and build the grader
#   ci-templates/grade.sh shard K N OUT DIR...   grade shard K of N of DIR... into OUT
#   ci-templates/grade.sh merge OUT IN...        combine shard outputs IN... into OUT
#
# Environment: GRADER (the grader binary; default build/grader/grader of this checkout),
# JOBS (gradings at once per shard; default the machine's cores), FAIL_UNDER (points: the merge
# fails when a submission scores below; default none), GRADE_ARGS (more arguments for
# `grader batch`, e.g. "--require-isolation", which CI should pass so that a container without
# the sandbox's privileges fails instead of grading weakly).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
grader="${GRADER:-$root/build/grader/grader}"

usage() {
    sed -n '2,15p' "$0" >&2
    exit 2
}

step="${1:-}"
shift || true
case "$step" in
setup)
    "$root/scripts/setup.sh"
    "$root/scripts/build.sh" "$root/build" -DTG_BUILD_TESTS=OFF -DTG_BUILD_BENCH=OFF
    ;;
shard)
    [ $# -ge 4 ] || usage
    k="$1" n="$2" out="$3"
    shift 3
    # --resume: a retried job keeps what its first attempt finished.
    # shellcheck disable=SC2086 # GRADE_ARGS is a list of words
    "$grader" batch "$@" --out "$out" --shard "$k/$n" --resume -j "${JOBS:-$(nproc)}" \
        ${GRADE_ARGS:-}
    ;;
merge)
    [ $# -ge 2 ] || usage
    out="$1"
    shift
    args=("$@" --out "$out")
    if [ -n "${FAIL_UNDER:-}" ]; then
        args+=(--fail-under "$FAIL_UNDER")
    fi
    "$grader" merge "${args[@]}"
    # For a CI page: the leaderboard's place and the CSV's first lines.
    echo "leaderboard: $out/leaderboard.html"
    head -n 5 "$out/summary.csv"
    ;;
*)
    usage
    ;;
esac
