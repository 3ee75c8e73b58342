#!/usr/bin/env bash
# The whole test suite on a fresh machine: install what is needed, build with warnings as
# errors, run every test.
#   scripts/test.sh [BUILD_DIR] [extra CMake arguments...]
#   CTEST_ARGS="-LE cargo" scripts/test.sh ...   passes extra arguments to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-test}
shift || true
scripts/setup.sh --test
scripts/build.sh "$dir" -DTG_WARNINGS_AS_ERRORS=ON "$@"
# shellcheck disable=SC2086
ctest --test-dir "$dir" --output-on-failure --parallel "$(nproc)" --timeout 900 ${CTEST_ARGS:-}
