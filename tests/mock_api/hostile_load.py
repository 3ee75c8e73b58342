#!/usr/bin/env python3
"""Measures the mock under a hostile client (mock_api/README.md, "A hostile client").

Not a test (the [hostile] Catch2 cases in concurrency_test.cpp prove the behaviour with
server-side evidence); this prints the numbers behind them, for a build of the mock by hand:

    tests/mock_api/hostile_load.py build/mock_api/mock_api [idle|slowloris|stall|flood|paths|all][:N]

N overrides the number of connections (requests for "paths").

Every connection goes to 127.0.0.1. The server's threads, RSS and open descriptors are read
from /proc; "normal client" latencies are those of a fresh connection doing GET /jobs.
"""

import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time

SCENARIO = """name: hostile
seed: 3
jobs: {count: 16}
latency: {list_ms: 0, detail_ms: 50}
"""


def proc_stats(pid):
    stats = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("Threads", "VmRSS", "VmSize"):
                stats[key] = value.strip()
    stats["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return stats


def start_mock(exe, scenario=SCENARIO, journal=None):
    scenario_file = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    scenario_file.write(scenario)
    scenario_file.close()
    args = [exe, "--scenario", scenario_file.name, "--port", "0"]
    args += ["--journal", journal] if journal else []
    proc = subprocess.Popen(args,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip()
    port = int(line.rsplit(":", 1)[1])
    return proc, port


def normal_get(port, path="/jobs", timeout=30.0):
    """Seconds for a fresh connection's GET (None on failure) and the status line."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        status = data.split(b"\r\n", 1)[0].decode(errors="replace")
        return time.monotonic() - start, status
    except OSError as e:
        return None, str(e)


def open_many(port, n, first_bytes=b""):
    conns = []
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if first_bytes:
                s.sendall(first_bytes)
            conns.append(s)
        except OSError as e:
            print(f"  connect failed after {len(conns)}: {e}")
            break
    return conns


def settle(pid, seconds=1.0):
    time.sleep(seconds)
    return proc_stats(pid)


def idle(exe, n=4000):
    proc, port = start_mock(exe)
    try:
        base = proc_stats(proc.pid)
        conns = open_many(port, n)
        stats = settle(proc.pid, 2.0)
        print(f"idle: {len(conns)} idle connections: before {base}, after {stats}")
        for i in range(3):
            t, status = normal_get(port)
            print(f"  normal client #{i}: {t if t is None else round(t, 3)} s, {status}")
        # Past the 5 s keep-alive timeout (connections closed) and, after the fix, the pool's
        # 10 s idle-thread timeout.
        time.sleep(17)
        print(f"  after 17 s more: {proc_stats(proc.pid)}")
        for s in conns:
            s.close()
    finally:
        proc.terminate()
        proc.wait()


def slowloris(exe, n=5000, seconds=20):
    """n connections that send a request line and then one header byte a second each (from a
    thread of their own, so that the normal client's waits do not slow them down)."""
    proc, port = start_mock(exe)
    try:
        conns = open_many(port, n, b"GET /jobs HTTP/1.1\r\nX-Slow: ")
        print(f"slowloris: {len(conns)} connections, one byte each per second, {seconds} s")
        stop = threading.Event()
        alive = [len(conns)]

        def drip():
            while not stop.is_set():
                t0 = time.monotonic()
                count = 0
                for s in conns:
                    try:
                        s.send(b"a")
                        count += 1
                    except OSError:
                        pass
                alive[0] = count
                stop.wait(max(0.0, 1.0 - (time.monotonic() - t0)))

        dripper = threading.Thread(target=drip)
        dripper.start()
        start = time.monotonic()
        served, failed, latencies = 0, 0, []
        while time.monotonic() - start < seconds:
            t, status = normal_get(port, timeout=10)
            if t is None or not status.startswith("HTTP/1.1 200"):
                failed += 1
            else:
                served += 1
                latencies.append(t)
            time.sleep(0.5)
        stats = proc_stats(proc.pid)
        # SIGTERM while the slow clients keep going: how long until the journal is written?
        t0 = time.monotonic()
        proc.terminate()
        try:
            proc.wait(timeout=30)
            stopped = f"{time.monotonic() - t0:.3f} s (exit {proc.returncode})"
        except subprocess.TimeoutExpired:
            stopped = "not within 30 s"
        stop.set()
        dripper.join()
        latencies.sort()
        worst = latencies[-1] if latencies else float("nan")
        median = latencies[len(latencies) // 2] if latencies else float("nan")
        print(f"  normal clients served {served}, failed {failed}, median {median:.3f} s, "
              f"worst {worst:.3f} s; slow connections still accepting bytes {alive[0]}; "
              f"server {stats}; SIGTERM to exit: {stopped}")
        for s in conns:
            s.close()
    finally:
        proc.terminate()
        proc.wait()


def stall(exe, n=4000):
    """n connections that send half a request line and then nothing."""
    proc, port = start_mock(exe)
    try:
        conns = open_many(port, n, b"GET /jo")
        print(f"stall: {len(conns)} connections with half a request line: {settle(proc.pid)}")
        for i in range(3):
            t, status = normal_get(port)
            print(f"  normal client #{i}: {t if t is None else round(t, 3)} s, {status}")
        for s in conns:
            s.close()
    finally:
        proc.terminate()
        proc.wait()


def flood(exe, n=12000):
    """As many idle connections as the client can open (its own RLIMIT_NOFILE)."""
    proc, port = start_mock(exe)
    try:
        conns = open_many(port, n)
        stats = settle(proc.pid, 2.0)
        print(f"flood: {len(conns)} idle connections: server {stats}")
        t, status = normal_get(port)
        print(f"  normal client: {t if t is None else round(t, 3)} s, {status}")
        for s in conns:
            s.close()
        t0 = time.monotonic()
        proc.terminate()
        proc.wait()
        print(f"  SIGTERM to exit: {time.monotonic() - t0:.3f} s, exit {proc.returncode}")
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait()


def paths(exe, requests=40000):
    """Requests with 8 KB paths and distinct unknown ids: what the journal and counters hold."""
    journal = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    proc, port = start_mock(exe, journal=journal)
    try:
        base = proc_stats(proc.pid)
        sent = 0
        while sent < requests:
            # The server ends a keep-alive connection after 1000 requests.
            with socket.create_connection(("127.0.0.1", port)) as s:
                f = s.makefile("rb")
                for _ in range(min(500, requests - sent)):
                    i = sent
                    sent += 1
                    path = f"/jobs/{10**12 + i}" if i % 2 else "/x" + "a" * 8000 + str(i)
                    s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                    length = 0
                    while True:
                        line = f.readline()
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":")[1])
                        if line in (b"\r\n", b""):
                            break
                    f.read(length)
        print(f"paths: {requests} requests (8 KB paths / distinct ids): before {base}, "
              f"after {proc_stats(proc.pid)}")
    finally:
        proc.terminate()
        proc.wait()
    print(f"  journal file: {os.path.getsize(journal)} bytes")
    os.unlink(journal)


def main():
    exe = sys.argv[1]
    which = sys.argv[2] if len(sys.argv) > 2 else "all"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    which, _, count = which.partition(":")
    for name, fn in [("idle", idle), ("slowloris", slowloris), ("stall", stall),
                     ("flood", flood), ("paths", paths)]:
        if which in (name, "all"):
            fn(exe, int(count)) if count else fn(exe)


if __name__ == "__main__":
    main()
