# Jobs report: asyncio drives the fan-out, the blocking urllib calls run in a thread pool
# (run_in_executor) so they overlap; a 2 s timeout on each. Flaw (on purpose, for the grader's
# corpus): time.sleep paces the requests inside the async function, freezing the event loop.
import asyncio
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE = os.environ.get("JOBS_API_URL", "")
pool = ThreadPoolExecutor(max_workers=32)


def get(path):
    with urllib.request.urlopen(BASE + path, timeout=2) as response:
        return json.loads(response.read())


async def fetch(loop, job_id):
    time.sleep(0.001)  # let the loop breathe between requests
    try:
        return job_id, await loop.run_in_executor(pool, get, f"/jobs/{job_id}"), None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as err:
        return job_id, None, err


async def main():
    loop = asyncio.get_running_loop()
    try:
        jobs = await loop.run_in_executor(pool, get, "/jobs")
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as err:
        sys.stderr.write(f"list failed: {err}\n")
        return 1
    done, failed = [], []
    for job_id, detail, err in await asyncio.gather(*(fetch(loop, j["id"]) for j in jobs)):
        if err is not None or not isinstance(detail, dict):
            sys.stderr.write(f"job {job_id} failed: {err or 'malformed detail'}\n")
            failed.append(job_id)
        elif str(detail.get("status", "")).strip().lower() == "completed":
            done.append({"id": detail["id"], "name": detail["name"],
                         "owner": detail["owner"], "duration_ms": detail["duration_ms"]})
    done.sort(key=lambda d: d["id"])
    print(json.dumps({"completed": done, "failed_ids": sorted(failed), "total_jobs": len(jobs),
                      "total_duration_ms": sum(d["duration_ms"] for d in done)}))
    return 0


code = asyncio.run(main())
pool.shutdown(wait=False, cancel_futures=True)
sys.exit(code)
