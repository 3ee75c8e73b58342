#!/bin/sh
# jobs.sh - the jobs report with curl and jq: the list, then every detail through one curl
# running 16 transfers at once (--parallel), each request capped at 2 s (--max-time); one jq
# pass checks and filters the details.
set -u

API=${JOBS_API_URL:?JOBS_API_URL is not set}
WORK=$(mktemp -d) || exit 1
trap 'rm -rf "$WORK"' EXIT INT TERM

if ! curl -sS --fail --max-time 2 -o "$WORK/list.json" "$API/jobs" 2>"$WORK/list.err"; then
    echo "jobs.sh: cannot fetch the job list: $(tail -n 1 "$WORK/list.err")" >&2
    exit 1
fi
if ! jq -e 'type == "array" and all(.[]; (.id | type) == "number")' "$WORK/list.json" >/dev/null 2>&1; then
    echo "jobs.sh: the job list is not an array of jobs" >&2
    exit 1
fi
jq -r '.[].id' "$WORK/list.json" >"$WORK/ids"

# Fetch: one curl for every detail, 16 transfers at once (--parallel), each capped at 2 s. A
# config file names each transfer's URL and output; --write-out prints, per transfer, the id
# (the body file's name), the HTTP status and curl's own exit code for that transfer.
while read -r id; do
    printf 'url = "%s/jobs/%s"\noutput = "%s/%s.body"\n' "$API" "$id" "$WORK" "$id"
done <"$WORK/ids" >"$WORK/transfers"
touch "$WORK/failed"
if [ -s "$WORK/transfers" ]; then
    curl -sS --parallel --parallel-max 16 --max-time 2 --config "$WORK/transfers" \
        --write-out '%{filename_effective} %{http_code} %{exitcode} %{errormsg}\n' \
        >"$WORK/outcomes" 2>/dev/null
fi
touch "$WORK/outcomes"
# Per id that answered 200, a line "id<TAB>body" in $WORK/lines; else a line on stderr. Shell
# builtins only: no process per detail.
: >"$WORK/lines"
while read -r file code status message; do
    id=${file##*/}
    id=${id%.body}
    if [ "$status" = 0 ] && [ "$code" = 200 ]; then
        body=
        while IFS= read -r part || [ -n "$part" ]; do body=$body$part; done <"$file"
        printf '%s\t%s\n' "$id" "$body" >>"$WORK/lines"
    else
        if [ "$status" = 0 ]; then message="HTTP $code"; fi
        echo "job $id: ${message:-curl exit $status}" >&2
        echo "$id" >>"$WORK/failed"
    fi
done <"$WORK/outcomes"

# Check: every fetched detail in one jq, which prints OK <job> or BAD <id>.
jq -R -r <"$WORK/lines" '
    index("\t") as $tab | .[:$tab] as $id | (.[$tab + 1:] | fromjson? // null) as $d
    | if ($d | type) == "object" and ($d.status | type) == "string"
         and ($d.name | type) == "string" and ($d.owner | type) == "string"
         and ($d.duration_ms | type) == "number"
      then "OK " + ($d | {id, name, owner, duration_ms,
                          status: (.status | ascii_downcase | gsub("^\\s+|\\s+$"; ""))} | tojson)
      else "BAD " + $id end' >"$WORK/checked"

grep '^BAD ' "$WORK/checked" | while read -r _ id; do
    echo "job $id: malformed detail" >&2
    echo "$id" >>"$WORK/failed"
done
sed -n 's/^OK //p' "$WORK/checked" | jq -s -c \
    --argjson total "$(jq length "$WORK/list.json")" \
    --argjson failed "$(jq -s -c 'sort' "$WORK/failed")" '
    map(select(.status == "completed") | del(.status)) | sort_by(.id) as $done
    | {completed: $done, failed_ids: $failed, total_jobs: $total,
       total_duration_ms: ($done | map(.duration_ms) | add // 0)}'
