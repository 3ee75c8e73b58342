#!/usr/bin/env python3
"""The measuring half of bench/probe_overhead.sh: runs each program without and with the
probe, interleaved, and prints medians, the difference and the ratio. Loopback only."""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import urllib.request


def child_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, env, timeout=120):
    """Runs cmd; returns ({wall, cpu} seconds, the last stdout line as JSON)."""
    cpu = child_cpu_seconds()
    start = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    took = {"wall": time.perf_counter() - start, "cpu": child_cpu_seconds() - cpu}
    if p.returncode != 0:
        sys.exit(f"probe_overhead: {' '.join(cmd)} failed ({p.returncode}): {p.stderr[-2000:]}")
    return took, json.loads(p.stdout.strip().splitlines()[-1])


def commands(a):
    """program -> (command, metric name, metric from (times, output), unit)."""
    url = a.mock_url
    cpu_cmd = [a.cpu, os.path.join(a.work, "cpu.out"), "20"]
    calls_cmd = [a.calls, a.calls, "20000"]  # reads its own first bytes
    return {
        # CPU time (user + system) of the whole process, the probe's load included: on a
        # shared machine it moves less than wall time.
        "cpu": (cpu_cmd, "process cpu time", lambda t, o: t["cpu"] * 1000, "ms"),
        "cpu-wall": (cpu_cmd, "process wall time", lambda t, o: t["wall"] * 1000, "ms"),
        "calls-outside": (calls_cmd, "pread before the runtime",
                          lambda t, o: o["outside_us"], "us/call"),
        "calls-pool": (calls_cmd, "pread in spawn_blocking", lambda t, o: o["pool_us"], "us/call"),
        "calls-task": (calls_cmd, "pread in a task (reported)",
                       lambda t, o: o["task_us"], "us/call"),
        "spawn-mt": ([a.rt_bench, "spawn-mt"], "spawn+join",
                     lambda w, o: o["ns_per_task"], "ns/task"),
        "fanout": ([a.rt_bench, "fanout", url], f"{a.jobs} requests, rt",
                   lambda w, o: o["fanout_ms"], "ms"),
        "tokio": ([a.tokio_bench, "fanout", url], f"{a.jobs} requests, tokio+reqwest",
                  lambda w, o: o["fanout_ms"], "ms"),
        # The fan-outs' CPU time: what the probe's checks cost, without the network's noise.
        "fanout-cpu": ([a.rt_bench, "fanout", url], "rt fan-out process cpu time",
                       lambda t, o: t["cpu"] * 1000, "ms"),
        "tokio-cpu": ([a.tokio_bench, "fanout", url], "tokio fan-out process cpu time",
                      lambda t, o: t["cpu"] * 1000, "ms"),
    }


def syscall_count(cmd, env, work):
    """The number of system calls cmd and its threads make, counted by the kernel's tracepoint
    (perf stat: unlike strace it does not slow the calls down, and the probe's socket checks
    depend on how long a call took), or None without perf."""
    out = os.path.join(work, "perf.txt")
    try:
        subprocess.run(["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "-o", out] + cmd,
                       env=env, capture_output=True, timeout=120, check=True)
        with open(out) as f:
            rows = [line.split(",") for line in f if "raw_syscalls:sys_enter" in line]
        return int(rows[-1][0])
    except (OSError, subprocess.SubprocessError, IndexError, ValueError):
        return None


def reset_mock(url):
    req = urllib.request.Request(url + "/__admin/reset", method="POST")
    urllib.request.urlopen(req, timeout=10).read()


def main():
    ap = argparse.ArgumentParser()
    for flag in ("--work", "--probe", "--rt-bench", "--cpu", "--calls", "--tokio-bench",
                 "--mock-url"):
        ap.add_argument(flag, required=True)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--detail-ms", type=float, default=20)
    ap.add_argument("--jobs", type=int, default=200)
    ap.add_argument("programs", nargs="+")
    a = ap.parse_args()

    table = commands(a)
    plain_env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "TG_PROBE_LOG")}
    rows = []
    for name in a.programs:
        cmd, label, metric, unit = table[name]
        values = {"plain": [], "probe": []}
        log_lines = []
        run(cmd, plain_env)  # warm-up: page cache, mock connections
        for i in range(a.repeats):
            for side in ("plain", "probe"):
                env = dict(plain_env)
                if side == "probe":
                    log = os.path.join(a.work, f"probe-{name}-{i}.jsonl")
                    env.update(LD_PRELOAD=a.probe, TG_PROBE_LOG=log)
                if "fanout" in cmd:
                    reset_mock(a.mock_url)
                wall, out = run(cmd, env)
                if out.get("ok", a.jobs) != out.get("jobs", a.jobs):
                    sys.exit(f"probe_overhead: {name}: {out['ok']} of {out['jobs']} requests ok")
                values[side].append(metric(wall, out))
                if side == "probe":
                    with open(log) as f:
                        lines = f.read().splitlines()
                    if not any('"ev":"hello"' in line for line in lines):
                        sys.exit(f"probe_overhead: {name}: the probe did not load")
                    log_lines.append(len(lines))
        plain, probe = statistics.median(values["plain"]), statistics.median(values["probe"])
        rows.append((name, label, unit, plain, probe, min(values["plain"]),
                     min(values["probe"]), statistics.median(log_lines)))

    print(f"\nprobe overhead: median of {a.repeats} runs per side, interleaved "
          f"(fan-out: {a.jobs} requests, detail latency {a.detail_ms:g} ms, 127.0.0.1)")
    print(f"  {'program':13} {'measure':36} {'without':>10} {'with':>10} {'diff':>9} "
          f"{'ratio':>7} {'min w/o':>9} {'min with':>9} {'log lines':>9}")
    for name, label, unit, plain, probe, min_plain, min_probe, lines in rows:
        print(f"  {name:13} {label + ' (' + unit + ')':36} {plain:10.2f} {probe:10.2f} "
              f"{probe - plain:+9.2f} {probe / plain:7.3f} {min_plain:9.2f} {min_probe:9.2f} "
              f"{lines:9.0f}")
    print("  targets: cpu ratio under 1.02; fan-out diff under 5 ms")

    # System calls are what the probe adds to a fan-out (an fstat per new descriptor, an
    # fcntl per slow socket call): counted, they hardly depend on the machine's load.
    fanouts = [n for n in a.programs if n in ("fanout", "tokio")]
    if fanouts:
        print("\n  system calls per fan-out run (perf stat -e raw_syscalls:sys_enter, one run each):")
    for name in fanouts:
        cmd = table[name][0]
        counts = {}
        for side in ("plain", "probe"):
            env = dict(plain_env)
            if side == "probe":
                env.update(LD_PRELOAD=a.probe, TG_PROBE_LOG=os.path.join(a.work, "strace.jsonl"))
            reset_mock(a.mock_url)
            counts[side] = syscall_count(cmd, env, a.work)
        if None in counts.values():
            print("    (perf or its syscall tracepoint not available)")
            break
        extra = counts["probe"] - counts["plain"]
        print(f"    {name:9} without {counts['plain']:6}  with {counts['probe']:6}  "
              f"{extra:+d} ({extra / a.jobs:+.1f} per request)")


if __name__ == "__main__":
    main()
