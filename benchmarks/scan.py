"""Benchmark: universe scans against the peers, on this machine and data.

Measures in one run:

- tapereader's scan of the real universe (``$TAPEREADER_DATA/universe`` or
  ``../shared/data/market/universe``; 504 stocks 2005-2016) as of ``--asof``;
- (unless ``--quick``) a synthetic 5,000-symbol x 2,520-bar universe (``synthetic.py``,
  parquet files in a temp folder; generating it is not timed);
- the peer: trendln's ``calc_support_resistance`` on a sample of the same daily closes,
  its fastest method (``METHOD_NSQUREDLOGN`` with ``METHOD_NUMDIFF`` extrema, accuracy 2:
  the defaults; NCUBED, HOUGHPOINTS, PROBHOUGH and HOUGHLINES took 1.5-10x longer per
  2,520-bar series here), per series;
- the floor: TA-Lib RSI(14) + SMA(50) + SMA(200) over the whole panel (already in memory),
  i.e. the least work any scan must do, plus the time to read the panel in one process.

Numba's kernels are compiled (once per checkout) in a child process first
(``numba_cache.py``), so the scans time what every run pays: loading them. Each scan runs
cold, in a new process, timed from the call to ``run_scan`` (imports excluded); the real
universe is scanned ``--runs`` times (default 5) and the median is reported with every run,
because this machine's speed drifts by up to ~1.6x within minutes. Peak memory is the sum of
the peak RSS of the scanning process and of each of its children (pool or Dask workers; see
``PeakRSS``), the largest over the runs. The last line printed is one JSON object.

    python benchmarks/scan.py [--quick] [--runs 5] [--engine local|dask] [--workers N]
                              [--sample 10]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import psutil  # noqa: E402
import talib  # noqa: E402

from numba_cache import ensure_compiled  # noqa: E402
from tapereader.analysis.series import Series, series_from_arrays  # noqa: E402
from tapereader.data.readers import read_arrays, read_bars  # noqa: E402
from tapereader.paths import default_data_dir  # noqa: E402
from tapereader.scan import run_scan  # noqa: E402
from tapereader.scan.runner import symbol_files  # noqa: E402

TARGETS = {"real_wall_s": 3.0, "speedup_vs_trendln": 100.0, "synthetic_wall_s": 30.0,
           "synthetic_peak_rss_mb": 4096.0}


class PeakRSS:
    """Peak memory of a process (default: this one) plus all its descendants (pool or Dask
    workers).

    On Linux each process's own high-water mark (``VmHWM``) is read every 100 ms and the
    per-process peaks are summed at the end: an upper bound of the true simultaneous peak
    that misses no spike between samples, at ~1/20 of the cost of sampling RSS every 20 ms
    (which took ~5% of a core from the scan it measured). Elsewhere: RSS sampled instead.
    """

    def __init__(self, every: float = 0.1, root: psutil.Process | None = None) -> None:
        self.every = every
        self._peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._me = root or psutil.Process()

    @staticmethod
    def _hwm(p: psutil.Process) -> int:
        try:
            with open(f"/proc/{p.pid}/status", "rb") as f:
                for line in f:
                    if line.startswith(b"VmHWM:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return p.memory_info().rss

    def _sample(self) -> None:
        with contextlib.suppress(psutil.Error):  # the root may have ended
            procs = [self._me, *self._me.children(recursive=True)]
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    self.add(p.pid, self._hwm(p))

    def add(self, pid: int, peak: int) -> None:
        """A process's peak in bytes, e.g. as it reported it on its way out."""
        self._peaks[pid] = max(self._peaks.get(pid, 0), peak)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRSS:
        self._sample()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self._sample()

    @property
    def mb(self) -> float:
        return sum(self._peaks.values()) / 2**20


def timed_scan(folder: Path, asof: str | None, engine: str, workers: int | None,
               runs: int = 1) -> dict:
    """``runs`` cold scans, each in a new process (so each pays what a ``tapereader scan``
    pays: numba's first use, loading the cached kernels, forking the pool), timed from the
    call to ``run_scan`` to its result. The machine's speed drifts by up to ~1.6x within
    minutes, so the median of several runs is reported, with every run."""
    got = []
    for _ in range(runs):
        cmd = [sys.executable, __file__, "--child", str(folder), "--asof", asof or "",
               "--engine", engine, "--workers", str(workers or 0)]
        proc = psutil.Popen(cmd, stdout=subprocess.PIPE, text=True)
        with PeakRSS(root=proc) as mem:
            out, _ = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"scan child failed ({proc.returncode}): {' '.join(cmd)}")
        r = json.loads(out.strip().splitlines()[-1])
        mem.add(proc.pid, r.pop("own_peak_bytes"))  # its last ~100 ms included
        got.append({**r, "peak_rss_mb": mem.mb})
    walls = [g["wall_s"] for g in got]
    med = statistics.median(walls)
    r = min(got, key=lambda g: abs(g["wall_s"] - med))  # the median run's other figures
    return {**r, "wall_s": med, "wall_runs": walls, "ms_per_symbol": 1000 * med / r["symbols"],
            "peak_rss_mb": max(g["peak_rss_mb"] for g in got)}


def child_scan(folder: Path, asof: str | None, engine: str, workers: int | None) -> dict:
    """One scan in this (new) process: what ``timed_scan`` runs in each child."""
    t = time.perf_counter()
    res = run_scan(folder, asof, engine=engine, workers=workers)
    wall = time.perf_counter() - t
    n = len(res.symbols) + len(res.errors)
    cpu = res.timings["read_cpu_s"] + res.timings["analyze_cpu_s"]
    return {"symbols": n, "errors": len(res.errors), "findings": len(res.rows),
            "wall_s": wall, "cpu_ms_per_symbol": 1000 * cpu / n,
            "read_ms_per_symbol": 1000 * res.timings["read_cpu_s"] / n,
            "analyze_ms_per_symbol": 1000 * res.timings["analyze_cpu_s"] / n,
            "timings": res.timings, "own_peak_bytes": PeakRSS._hwm(psutil.Process())}


def load_panel(folder: Path) -> tuple[list[np.ndarray], float]:
    """Every symbol's closes (in one process) and the seconds reading them took."""
    paths, _ = symbol_files(folder)
    t = time.perf_counter()
    closes = []
    for p in paths:
        try:
            bars, _ = read_bars(p)
        except Exception:
            continue
        closes.append(bars["close"].to_numpy(dtype=np.float64))
    return closes, time.perf_counter() - t


def talib_floor(closes: list[np.ndarray]) -> float:
    """Seconds for RSI(14) + SMA(50) + SMA(200) over every series (best of 3)."""
    best = math.inf
    for _ in range(3):
        t = time.perf_counter()
        for c in closes:
            talib.RSI(c, 14)
            talib.SMA(c, 50)
            talib.SMA(c, 200)
        best = min(best, time.perf_counter() - t)
    return best


def read_series(path: Path) -> Series:
    """One file as the scan reads it: arrays, then the daily Series."""
    return series_from_arrays(read_arrays(path)[0], path.stem)


def tapereader_per_series(folder: Path, asof: str | None, sample: int) -> tuple[float, float]:
    """Median ms per series in this process after warm-up, on an evenly spaced sample of the
    folder's files: (reading + analyze_series, analyze_series alone on bars in memory).
    The second is on the same footing as trendln, which is handed an array in memory."""
    from tapereader.engine import analyze_series

    paths, _ = symbol_files(folder)
    step = max(1, len(paths) // sample)
    chosen = paths[::step][:sample]
    analyze_series(read_series(chosen[0]), asof)
    total, engine = [], []
    for p in chosen:
        t = time.perf_counter()
        daily = read_series(p)
        t1 = time.perf_counter()
        analyze_series(daily, asof)
        t2 = time.perf_counter()
        total.append(1000 * (t2 - t))
        engine.append(1000 * (t2 - t1))
    return statistics.median(total), statistics.median(engine)


def trendln_per_series(closes: list[np.ndarray], sample: int, bars: int = 2520) -> float:
    """Median ms of trendln's fastest method per series over an evenly spaced sample."""
    import trendln

    long = [c[-bars:] for c in closes if len(c) >= bars]
    step = max(1, len(long) // sample)
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for c in long[::step][:sample]:
            t = time.perf_counter()
            trendln.calc_support_resistance(c, extmethod=trendln.METHOD_NUMDIFF,
                                            method=trendln.METHOD_NSQUREDLOGN, accuracy=2)
            times.append(1000 * (time.perf_counter() - t))
    return statistics.median(times)


def profile_detectors(folder: Path, asof: str | None, limit: int | None = None) -> dict:
    """In one process: ms per symbol spent in reading and in each engine stage (after warm-up).

    Wraps the engine's detector functions (module attributes, looked up at call time) with
    timers; nothing in the engine changes. Shows which detector dominates a scan.
    """
    import importlib
    from collections import defaultdict

    from tapereader import engine

    spent: dict[str, float] = defaultdict(float)
    targets = [("tapereader.analysis.swings", "find_swings"),
               ("tapereader.analysis.records", "find_records"),
               ("tapereader.analysis.moves", "find_moves"),
               ("tapereader.analysis.reversals", "find_reversals"),
               ("tapereader.analysis.zones", "find_zones"),
               ("tapereader.analysis.zones", "find_breakouts"),
               ("tapereader.analysis.targets", "find_targets"),
               ("tapereader.analysis.trendlines", "find_trendlines"),
               ("tapereader.analysis.channels", "find_channels"),
               ("tapereader.analysis.analogs", "find_analogs"),
               ("tapereader.engine", "_prepare")]
    originals = []
    for mod_name, fn in targets:
        mod = importlib.import_module(mod_name)
        if not hasattr(mod, fn):
            continue
        orig = getattr(mod, fn)
        originals.append((mod, fn, orig))
        label = f"{mod_name.rsplit('.', 1)[-1]}.{fn}"

        def timed(*args, __f=orig, __name=label, **kw):
            t = time.perf_counter()
            try:
                return __f(*args, **kw)
            finally:
                spent[__name] += time.perf_counter() - t

        setattr(mod, fn, timed)
    paths, _ = symbol_files(folder)
    paths = paths[:limit] if limit else paths
    try:
        engine.analyze_series(read_series(paths[0]), asof)
        spent.clear()
        n = 0
        for p in paths:
            t = time.perf_counter()
            try:
                daily = read_series(p)
            except Exception:
                continue
            spent["read (arrays + Series)"] += time.perf_counter() - t
            t = time.perf_counter()
            engine.analyze_series(daily, asof)
            spent["analyze_series (total)"] += time.perf_counter() - t
            n += 1
    finally:
        for mod, fn, orig in originals:
            setattr(mod, fn, orig)
    return {k: round(1000 * v / n, 3) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])}


def calibration_ms() -> float:
    """Milliseconds for a fixed pure-Python loop (best of 5): how fast this machine runs
    right now. On the shared development machine it drifts by up to ~1.6x over an hour,
    and the scan's wall time with it; quote the two together."""
    def loop() -> int:
        s = 0
        for i in range(1_000_000):
            s += i * i % 7
        return s

    best = math.inf
    for _ in range(5):
        t = time.perf_counter()
        loop()
        best = min(best, time.perf_counter() - t)
    return 1000 * best


def main() -> None:
    ap = argparse.ArgumentParser(description="tapereader universe scan benchmark")
    ap.add_argument("--quick", action="store_true", help="real 504-stock universe only")
    ap.add_argument("--engine", default="local", choices=("local", "dask"))
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--asof", default="2016-12-30")
    ap.add_argument("--sample", type=int, default=10, help="trendln series to time")
    ap.add_argument("--symbols", type=int, default=5000, help="synthetic universe size")
    ap.add_argument("--bars", type=int, default=2520, help="synthetic bars per symbol")
    ap.add_argument("--synthetic-dir", type=Path, default=None,
                    help="reuse/keep the synthetic files here (default: a temp folder)")
    ap.add_argument("--universe", type=Path, default=None,
                    help="the 'real' folder (default $TAPEREADER_DATA/universe)")
    ap.add_argument("--runs", type=int, default=5,
                    help="cold scans of the real universe (the median is reported)")
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--profile", action="store_true",
                    help="only: ms per symbol by detector, in one process (real universe)")
    a = ap.parse_args()
    if a.child is not None:  # one timed scan, for timed_scan in the parent
        print(json.dumps(child_scan(a.child, a.asof or None, a.engine, a.workers or None)))
        return

    real = a.universe or Path(os.environ.get("TAPEREADER_DATA") or default_data_dir()) / "universe"
    if a.profile:
        prof = profile_detectors(real, a.asof)
        for k, v in prof.items():
            print(f"{k:40s} {v:8.3f} ms/symbol")
        print(json.dumps({"profile_ms_per_symbol": prof}))
        return
    compile_s = ensure_compiled(real.parent)
    calib = calibration_ms()
    print(f"cpus available: {len(os.sched_getaffinity(0))}, load: {os.getloadavg()[0]:.2f}, "
          f"calibration loop: {calib:.0f} ms (numba cache checked in a child: {compile_s:.1f} s)")
    r = timed_scan(real, a.asof, a.engine, a.workers, a.runs)
    runs = " ".join(f"{w:.2f}" for w in r["wall_runs"])
    print(f"real universe: {r['symbols']} symbols, {r['findings']} findings, "
          f"{r['errors']} errors, wall {r['wall_s']:.2f} s, the median of {len(r['wall_runs'])} "
          f"cold runs ({runs}) ({r['ms_per_symbol']:.2f} ms/symbol; "
          f"cpu {r['cpu_ms_per_symbol']:.2f} ms/symbol = read {r['read_ms_per_symbol']:.2f} + "
          f"engine {r['analyze_ms_per_symbol']:.2f}), peak RSS {r['peak_rss_mb']:.0f} MB")
    closes, read_s = load_panel(real)
    floor = talib_floor(closes)
    print(f"TA-Lib floor (RSI14+SMA50+SMA200, {len(closes)} series in memory): {floor:.4f} s; "
          f"reading the panel in one process: {read_s:.2f} s")
    tl = trendln_per_series(closes, a.sample)
    ours, engine_only = tapereader_per_series(real, a.asof, 100)
    speedup = tl / engine_only
    print(f"trendln calc_support_resistance (NSQUREDLOGN/NUMDIFF, {a.sample} series x 2520 bars):"
          f" {tl:.0f} ms/series; tapereader all detectors on the bars in memory "
          f"{engine_only:.2f} ms/series ({speedup:.0f}x), with reading the file {ours:.2f} ms "
          f"({tl / ours:.0f}x) (one process, median of 100 series)")
    out = {"symbols": r["symbols"], "findings": r["findings"], "engine": a.engine,
           "wall_s": round(r["wall_s"], 3), "wall_runs_s": [round(w, 3) for w in r["wall_runs"]],
           "ms_per_symbol": round(r["ms_per_symbol"], 3),
           "cpu_ms_per_symbol": round(r["cpu_ms_per_symbol"], 3),
           "read_ms_per_symbol": round(r["read_ms_per_symbol"], 3),
           "engine_ms_per_symbol": round(r["analyze_ms_per_symbol"], 3),
           "peak_rss_mb": round(r["peak_rss_mb"], 1),
           "trendln_ms_per_series": round(tl, 1), "tapereader_ms_per_series": round(engine_only, 3),
           "tapereader_with_read_ms_per_series": round(ours, 3),
           "speedup_vs_trendln": round(speedup, 1),
           "speedup_vs_trendln_with_read": round(tl / ours, 1),
           "load_avg_1m": round(os.getloadavg()[0], 2), "calibration_ms": round(calib, 1),
           "talib_floor_s": round(floor, 4), "panel_read_s": round(read_s, 3)}
    if not a.quick:
        import synthetic

        tmp = a.synthetic_dir or Path(tempfile.mkdtemp(prefix="tapereader-synth-"))
        try:
            have = len(list(tmp.glob("*.parquet"))) if tmp.exists() else 0
            if have != a.symbols:
                t = time.perf_counter()
                synthetic.write_universe(tmp, a.symbols, a.bars)
                print(f"synthetic universe written to {tmp} in {time.perf_counter() - t:.0f} s")
            s = timed_scan(tmp, None, a.engine, a.workers)
            print(f"synthetic universe: {s['symbols']} x {a.bars} bars, {s['findings']} findings,"
                  f" wall {s['wall_s']:.2f} s ({s['ms_per_symbol']:.2f} ms/symbol; cpu "
                  f"{s['cpu_ms_per_symbol']:.2f}), peak RSS {s['peak_rss_mb']:.0f} MB")
            scl, sread = load_panel(tmp)
            sfloor = talib_floor(scl)
            print(f"TA-Lib floor on the synthetic panel: {sfloor:.3f} s (read {sread:.1f} s)")
            out.update({"synthetic_symbols": s["symbols"], "synthetic_bars": a.bars,
                        "synthetic_findings": s["findings"],
                        "synthetic_wall_s": round(s["wall_s"], 3),
                        "synthetic_ms_per_symbol": round(s["ms_per_symbol"], 3),
                        "synthetic_cpu_ms_per_symbol": round(s["cpu_ms_per_symbol"], 3),
                        "synthetic_peak_rss_mb": round(s["peak_rss_mb"], 1),
                        "synthetic_talib_floor_s": round(sfloor, 4),
                        "synthetic_panel_read_s": round(sread, 3)})
        finally:
            if a.synthetic_dir is None:
                shutil.rmtree(tmp, ignore_errors=True)
    out["real_wall_s"] = out["wall_s"]
    out["targets_met"] = {k: (out[k] >= v if k == "speedup_vs_trendln" else out[k] <= v)
                          for k, v in TARGETS.items() if k in out}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
