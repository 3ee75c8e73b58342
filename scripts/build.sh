#!/usr/bin/env bash
# Configure and build into a build directory (default: build/). Extra arguments go to CMake's
# configure step, e.g. scripts/build.sh build-asan -DTG_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; exit 1; }
cmake --build "$dir" --parallel "$(nproc)"
