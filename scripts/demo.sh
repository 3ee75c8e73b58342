#!/usr/bin/env bash
# Starts mock_api on a sample scenario (port 0, loopback), shows requests against it and the
# journal, prints what a correct submission would output, then stops it with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
scenario=${2:-rubrics/jobs-fanout/scenarios/happy.yaml}
mock=$build/mock_api/mock_api
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$mock" --scenario "$scenario" --port 0 --journal "$work/journal.json" >"$work/stdout" 2>"$work/stderr" &
pid=$!
for _ in $(seq 100); do
    grep -q '^listening on ' "$work/stdout" && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/stderr"; exit 1; }
    sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$work/stdout")
echo "== mock_api serving $scenario at $url"
echo "== GET $url/jobs"
curl -sS "$url/jobs"; echo
first=$(curl -sS "$url/jobs" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
echo "== GET $url/jobs/$first"
curl -sS -w '\n(status %{http_code}, %{time_total}s)\n' "$url/jobs/$first"
echo "== what a correct submission prints for this scenario (mock_api --print-expected)"
"$mock" --scenario "$scenario" --print-expected | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["expected"], indent=1))'
kill -TERM "$pid"
wait "$pid"
echo "== journal written on SIGTERM ($(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["entries"]), "requests, peak in flight", d["peak_in_flight"])' "$work/journal.json"))"
