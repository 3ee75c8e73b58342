#!/usr/bin/env bash
# Idempotent installer for everything the build, the tests, the benchmarks and the bundled
# samples need on a fresh Debian (bookworm) machine. Safe to run again: apt skips what is there.
#
#   scripts/setup.sh            what the build, the tests and the bundled samples need
#   scripts/setup.sh --bench    also the benchmarks' baselines (nginx, wrk)
#   scripts/setup.sh --test     also the test tier's tools: clang 14 with its sanitizer and
#                               libFuzzer runtime and llvm-symbolizer (scripts/fuzz.sh)
# The flags combine (scripts/setup.sh --test --bench).
#
# Later issues add to the package list (bubblewrap, chromium ...) here and nowhere else.
set -euo pipefail

packages=(
    # toolchain and build
    build-essential cmake ninja-build pkg-config git ca-certificates
    # libraries (found with find_package / pkg-config; nothing is vendored)
    libboost1.81-dev libboost-filesystem1.81-dev libcli11-dev libyaml-cpp-dev
    libcpp-httplib-dev catch2 nlohmann-json3-dev libfmt-dev
    libssl-dev
    # Rust submissions build offline against Debian's packaged crates (cargo's source
    # replacement points at /usr/share/cargo/registry); the toolchain itself is the machine's
    # rustup one (~/.cargo/bin), never Debian's older rustc/cargo packages.
    librust-tokio-dev librust-reqwest-dev librust-serde-dev librust-serde-derive-dev
    librust-serde-json-dev librust-anyhow-dev librust-futures-dev
    # the demo and the sandbox tests
    curl python3
)
for arg in "$@"; do
    case $arg in
    # Only for bench/: Debian's nginx package starts a server on port 80 when installed, which a
    # machine that only builds and tests has no use for.
    --bench) packages+=(nginx-light wrk) ;;
    # Only for the fuzz targets (fuzz/): clang-14 compiles them, libclang-rt-14-dev holds
    # libFuzzer and the ASan/UBSan runtimes, llvm-14 the symbolizer that makes stacks readable.
    --test) packages+=(clang-14 libclang-rt-14-dev llvm-14) ;;
    *)
        echo "usage: scripts/setup.sh [--test] [--bench]" >&2
        exit 2
        ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
    echo "setup: all ${#packages[@]} packages already installed"
    exit 0
fi

sudo=""
if ((EUID != 0)); then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
