#!/usr/bin/env bash
# Idempotent installer for everything the build, the tests, the benchmarks and the bundled
# samples need on a fresh Debian (bookworm) machine. Safe to run again: apt skips what is there.
#
#   scripts/setup.sh            what the build and the main job (grading the samples) need
#   scripts/setup.sh --test     also what only the test suite uses (scripts/test.sh passes it):
#                               capsh and strace for the hostile-submission tests, chromium,
#                               xmllint and junitparser for the report tests, and the
#                               validators and browser driver in tests/tools (npm, lock file),
#                               clang 19's sanitizer and libFuzzer runtimes and its
#                               llvm-symbolizer for CI's sanitizer build and the fuzz
#                               targets (scripts/fuzz.sh)
#   scripts/setup.sh --bench    also the benchmarks' baselines (nginx, wrk)
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
    # the sandbox: its seccomp filter (libseccomp builds the BPF and checks the architecture)
    libseccomp-dev
    # the source analysis (grader/analysis) parses with tree-sitter; its grammars come from npm
    libtree-sitter-dev
    # Rust submissions build offline against Debian's packaged crates (cargo's source
    # replacement points at /usr/share/cargo/registry); the toolchain itself is the machine's
    # rustup one (~/.cargo/bin), never Debian's older rustc/cargo packages.
    librust-tokio-dev librust-reqwest-dev librust-serde-dev librust-serde-derive-dev
    librust-serde-json-dev librust-anyhow-dev librust-futures-dev
    # C++ submissions are built with clang 19 (GCC 12.2 and clang 16 each miscompile correct
    # coroutine code: tests/runtime/compiler/, runtime/README.md "Which compiler"); the grader's
    # copy of the runtime package is built with it too (TG_SUBMISSION_CXX in CMakeLists.txt).
    # jq: the shell sample (submissions/shell/curl-xargs) filters JSON with it
    clang-19 jq
    # the demo and the sandbox tests
    curl python3
    # `cpack -G DEB` (grader/README.md, "Install"): CPackDeb needs file(1) for dpkg-shlibdeps
    file
    # the blocking-call probe's tests (grader/probe): Node programs under the probe, and
    # addr2line for the analysis's symbolisation
    nodejs binutils
)
test_tier=false
for tier in "$@"; do
    case $tier in
    # tests/grader/hostile_test.cpp: capsh runs the grader without some capabilities (the
    # isolation report must say what is missing); the escape-syscalls case tries strace
    --test)
        test_tier=true
        packages+=(libcap2-bin strace)
        # the report tests: chromium opens the HTML report headless (tests/browser, driven by
        # playwright-core from tests/tools), xmllint validates the JUnit report against
        # tests/tools/junit-10.xsd and python3-junitparser reads it back
        # (tests/grader/report_cli_test.cpp)
        packages+=(chromium libxml2-utils python3-junitparser)
        # CI's ASan/UBSan build and the fuzz targets (fuzz/, scripts/fuzz.sh): clang-19 (above)
        # compiles them, libclang-rt-19-dev holds libFuzzer and the ASan/UBSan runtimes,
        # llvm-19 the symbolizer
        packages+=(libclang-rt-19-dev llvm-19)
        ;;
    # Only for bench/: Debian's nginx package starts a server on port 80 when installed, which
    # a machine that only builds and tests has no use for.
    # bench/stability.sh keeps the other core busy with stress-ng
    --bench) packages+=(nginx-light wrk stress-ng) ;;
    *) echo "setup: unknown option $tier (--test, --bench)" >&2; exit 2 ;;
    esac
done

# tree-sitter grammars for grader/analysis: pinned ABI-14 releases from the npm registry, exactly as
# grader/analysis/grammars/package-lock.json says. Only their C sources are used (CMake compiles
# them); --ignore-scripts keeps npm from running their node-gyp install scripts. A stamp (a copy
# of the lock file) makes a second run a no-op.
install_grammars() {
    local dir stamp
    dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/grader/analysis/grammars"
    stamp="$dir/node_modules/.tg-installed-lock.json"
    if [[ -f $stamp ]] && cmp -s "$stamp" "$dir/package-lock.json"; then
        echo "setup: tree-sitter grammars already installed"
        return
    fi
    command -v npm >/dev/null || { echo "setup: npm is needed to install the tree-sitter grammars" >&2; exit 1; }
    echo "setup: installing the tree-sitter grammars (npm ci in grader/analysis/grammars)"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$dir/package-lock.json" "$stamp"
}

# The test tier's npm tools (tests/tools: the SARIF multitool; playwright-core, which drives the
# Debian chromium and downloads no browser), pinned by their lock file.
# --ignore-scripts: the multitool's postinstall only marks its binary executable, done here.
install_test_tools() {
    local dir stamp
    dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/tools"
    stamp="$dir/node_modules/.tg-installed-lock.json"
    if [[ -f $stamp ]] && cmp -s "$stamp" "$dir/package-lock.json"; then
        echo "setup: test tools already installed"
        return
    fi
    echo "setup: installing the test tools (npm ci in tests/tools)"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    chmod u+x "$dir"/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
    cp "$dir/package-lock.json" "$stamp"
}

install_npm_parts() {
    install_grammars
    if $test_tier; then
        install_test_tools
    fi
}

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
    echo "setup: all ${#packages[@]} packages already installed"
    install_npm_parts
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
install_npm_parts
echo "setup: done"
