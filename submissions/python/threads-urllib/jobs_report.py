#!/usr/bin/env python3
"""Jobs report: the list, then every detail on a pool of 24 threads (urllib, 2 s timeout)."""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

from urllib.request import urlopen

API = os.environ["JOBS_API_URL"]
WORKERS = 24
TIMEOUT_S = 2.0


class FetchError(Exception):
    pass


def fetch_json(path):
    """GET API + path; the parsed body, or FetchError with the reason."""
    try:
        with urlopen(API + path, timeout=TIMEOUT_S) as resp:
            return json.loads(resp.read().decode("utf-8"))
    except Exception as exc:  # HTTPError, URLError, timeouts, resets, IncompleteRead, bad JSON
        raise FetchError(f"{type(exc).__name__}: {exc}") from exc


def fetch_detail(job_id):
    try:
        detail = fetch_json(f"/jobs/{job_id}")
        if not isinstance(detail, dict) or not isinstance(detail.get("status"), str):
            raise FetchError("detail is not a job object")
        return job_id, detail, None
    except FetchError as exc:
        return job_id, None, exc


def main():
    try:
        jobs = fetch_json("/jobs")
    except FetchError as exc:
        print(f"error: cannot fetch the job list: {exc}", file=sys.stderr)
        return 1

    completed, failed_ids = [], []
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for job_id, detail, err in pool.map(fetch_detail, [job["id"] for job in jobs]):
            if err is not None:
                print(f"job {job_id}: {err}", file=sys.stderr)
                failed_ids.append(job_id)
            elif detail["status"].strip().lower() == "completed":
                completed.append({key: detail[key] for key in ("id", "name", "owner", "duration_ms")})

    completed.sort(key=lambda job: job["id"])
    report = {
        "completed": completed,
        "failed_ids": sorted(failed_ids),
        "total_jobs": len(jobs),
        "total_duration_ms": sum(job["duration_ms"] for job in completed),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
