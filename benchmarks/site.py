"""Benchmark: the site under gunicorn on 127.0.0.1, loaded by wrk (targets: a post page at
>= 1,000 requests/s with p99 <= 50 ms at 32 connections; publishing one note <= 6 s).

    PYTHONPATH=src python benchmarks/site.py [--data DIR] [--duration 5] [--rounds 3]
                                             [--connections 32] [--workers N]

In a temporary site directory (embedded SQLite): times ``tapereader publish`` of the
reference note cold (a fresh process: imports, migrations, engine, note, charts, database),
then of the session before it; starts ``tapereader serve`` and runs wrk once against the
home page, the post page and the Atom feed, next to a static file served by the same
server (the floor: whitenoise, no Django view). The machine is shared: the targets are run
in turn, ``--rounds`` times (interleaved, so load from elsewhere falls on all of them), and
the median of the rounds is printed for each, with every round's numbers.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TARGET_RPS = 1000.0
TARGET_P99_MS = 50.0
TARGET_PUBLISH_S = 6.0
CLI = [sys.executable, "-m", "tapereader.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def publish(asof: str, env: dict) -> float:
    t = time.perf_counter()
    r = subprocess.run([*CLI, "publish", "--asof", asof], env=env, capture_output=True,
                       text=True, timeout=300)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"publish --asof {asof} failed: {r.stderr.strip()}")
    return dt


def post_url(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/feed/atom/", timeout=30) as r:
        feed = r.read().decode()
    m = re.search(r'<link href="http://127\.0\.0\.1:\d+(/\d{4}/\d\d/\d\d/[^"]+/)"', feed)
    if not m:
        raise SystemExit("no post link in the Atom feed")
    return m.group(1)


def wrk(url: str, connections: int, duration: int, threads: int) -> tuple[float, float]:
    """requests/s and p99 latency (ms) of one wrk run."""
    r = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
                        "--latency", url], capture_output=True, text=True,
                       timeout=duration + 60)
    if r.returncode != 0:
        raise SystemExit(f"wrk failed: {r.stderr.strip()}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", r.stdout).group(1))  # type: ignore[union-attr]
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", r.stdout)
    if not m:
        raise SystemExit(f"no p99 in wrk's output:\n{r.stdout}")
    p99 = float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", r.stdout)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses\n{r.stdout}")
    return rps, p99


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--asof", default="2013-07-08")
    ap.add_argument("--before", default="2013-07-05")
    ap.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds of all targets")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: "
                    "tapereader serve's)")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="tapereader-site-bench-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"TAPEREADER_SITE_DATA_DIR": str(tmp / "data"),
                "TAPEREADER_CONFIG_DIR": str(tmp / "config"),
                "TAPEREADER_CONFIG": str(tmp / "config" / "none.toml"),
                "TAPEREADER_SITE_URL": f"http://127.0.0.1:{port}", "MPLBACKEND": "Agg"})
    env.pop("TAPEREADER_SITE_DB", None)
    if args.data:
        env["TAPEREADER_DATA"] = str(args.data)
    srv = None
    try:
        cold = publish(args.asof, env)
        warm = publish(args.before, env)
        again = publish(args.asof, env)
        cmd = [*CLI, "serve", "--port", str(port)]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        srv = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        targets = [("static file (floor)", "/static/tapereader/site.css"),
                   ("home page", "/"), ("post page", post_url(port)),
                   ("Atom feed", "/feed/atom/")]
        for _, path in targets:  # warm every worker's page cache
            for _ in range(20):
                urllib.request.urlopen(base + path, timeout=30).read()
        threads = min(4, os.cpu_count() or 2)
        print(f"site benchmark: gunicorn on 127.0.0.1:{port}, wrk -t{threads} "
              f"-c{args.connections} -d{args.duration}s, {os.cpu_count()} cores")
        print(f"  publish {args.asof} (cold, fresh database)  {cold:6.2f} s")
        met = "met" if warm <= TARGET_PUBLISH_S else "NOT met"
        print(f"  publish {args.before} (second note)          {warm:6.2f} s   "
              f"target <= {TARGET_PUBLISH_S:.0f} s: {met}")
        print(f"  publish {args.asof} again (update)          {again:6.2f} s")
        print(f"  {'':24s} {'req/s':>9s} {'p99 ms':>8s}   (median of {args.rounds} interleaved "
              f"rounds; each round's req/s / p99)")
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in targets}
        for _ in range(max(1, args.rounds)):
            for name, path in targets:
                runs[name].append(wrk(base + path, args.connections, args.duration, threads))
        res = {}
        for name, _ in targets:
            rps = statistics.median(r for r, _ in runs[name])
            p99 = statistics.median(p for _, p in runs[name])
            res[name] = (rps, p99)
            each = "  ".join(f"{r:.0f}/{p:.1f}" for r, p in runs[name])
            print(f"  {name:24s} {rps:9.0f} {p99:8.1f}   {each}")
        rps, p99 = res["post page"]
        floor, floor_p99 = res["static file (floor)"]
        ok = rps >= TARGET_RPS and p99 <= TARGET_P99_MS
        print(f"  post page: {rps:.0f} req/s ({rps / floor:.0%} of the static floor), p99 "
              f"{p99:.1f} ms (floor's {floor_p99:.1f} ms); target >= {TARGET_RPS:.0f} req/s, "
              f"p99 <= {TARGET_P99_MS:.0f} ms: {'met' if ok else 'NOT met'}")
        return 0
    finally:
        if srv is not None:
            os.killpg(srv.pid, signal.SIGTERM)
            srv.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
