#!/usr/bin/env bash
# The main job on a fresh machine: install what is needed, build, then run the bundled demo
# (the mock jobs API on a sample scenario, a request against it, and the expected output).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build
scripts/demo.sh build
