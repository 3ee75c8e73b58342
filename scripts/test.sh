#!/usr/bin/env bash
# The whole test suite on a fresh machine: install what is needed, build with warnings as
# errors, run every test. Usage: scripts/test.sh [BUILD_DIR] [extra CMake arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-test}
shift || true
scripts/setup.sh
scripts/build.sh "$dir" -DTG_WARNINGS_AS_ERRORS=ON "$@"
ctest --test-dir "$dir" --output-on-failure --parallel "$(nproc)" --timeout 300
