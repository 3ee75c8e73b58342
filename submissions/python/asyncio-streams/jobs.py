"""Jobs report with asyncio and the standard library only: HTTP/1.1 over asyncio streams,
every detail at once with asyncio.gather, a 2 s timeout per request (asyncio.wait_for),
failures kept as values."""
import asyncio
import json
import os
import sys
from urllib.parse import urlsplit

TIMEOUT_S = 2.0


class FetchError(Exception):
    pass


async def http_get(host, port, path):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].decode(errors="replace")
    parts = status_line.split()
    if len(parts) < 2 or not parts[1].isdigit():
        raise FetchError("malformed response")
    status = int(parts[1])
    if status != 200:
        raise FetchError(f"HTTP {status}")
    if b"transfer-encoding: chunked" in head.lower():
        raise FetchError("chunked bodies are not expected")
    return body


async def get_json(base, path):
    url = urlsplit(base)
    try:
        body = await asyncio.wait_for(http_get(url.hostname, url.port or 80, path), TIMEOUT_S)
        return json.loads(body)
    except asyncio.TimeoutError:
        raise FetchError("no answer within 2 s")
    except (OSError, ValueError) as error:
        raise FetchError(str(error) or type(error).__name__)


async def detail(base, job_id):
    try:
        doc = await get_json(base, f"/jobs/{job_id}")
        if not isinstance(doc, dict) or not isinstance(doc.get("status"), str):
            raise FetchError("malformed detail")
        return job_id, doc, None
    except FetchError as error:
        return job_id, None, str(error)


async def main():
    base = os.environ["JOBS_API_URL"]
    try:
        jobs = await get_json(base, "/jobs")
    except FetchError as error:
        print(f"cannot fetch the job list: {error}", file=sys.stderr)
        return 1
    results = await asyncio.gather(*(detail(base, job["id"]) for job in jobs))
    completed, failed = [], []
    for job_id, doc, error in results:
        if error is not None:
            print(f"job {job_id}: {error}", file=sys.stderr)
            failed.append(job_id)
        elif doc["status"].strip().lower() == "completed":
            completed.append({k: doc[k] for k in ("id", "name", "owner", "duration_ms")})
    completed.sort(key=lambda j: j["id"])
    print(json.dumps({
        "completed": completed,
        "failed_ids": sorted(failed),
        "total_jobs": len(jobs),
        "total_duration_ms": sum(j["duration_ms"] for j in completed),
    }))
    return 0


sys.exit(asyncio.run(main()))
