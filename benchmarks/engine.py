"""Engine speed: one symbol's full findings, and the reference watchlist as of 2013-07-08.

Targets (issue 3): one symbol with ten years of daily bars <= 5 ms median after warm-up; the
reference watchlist as of 2013-07-08 <= 1.5 s wall (reading the files included). Peer measured
in the same run: trendln's calc_support_resistance on the same ten years of closes.

Issue 11: the engine may not get more than 20% slower per symbol than before the memory of
levels, gaps, fresh lines and old events. ``--baseline REV`` (default: the main commit before
them) extracts that revision's ``src`` into a cache folder and times its engine and this
checkout's in separate processes, interleaved (A B A B ...) so that the shared machine's
drift hits both alike; the medians and their ratio are printed. ``--baseline none`` skips it.

    python benchmarks/engine.py [--repeat N] [--baseline REV] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from pathlib import Path

from tapereader.config import default_watchlist
from tapereader.data.readers import read_bars, read_folder
from tapereader.data.resample import cut
from tapereader.engine import analyze, analyze_symbol
from tapereader.paths import default_data_dir

BASELINE = "3b62774"  # main before issue 11 (levels, gaps, fresh lines, old events)
ROOT = Path(__file__).resolve().parents[1]

# Times one symbol's engine in a fresh process on whichever ``tapereader`` is importable.
_CHILD = """
import os, statistics, sys, time
if os.environ.get("TAPEREADER_BENCH_NO_MEMORY"):  # the engine without issue 11's detectors
    from tapereader.analysis import freshlines, gaps, levels, standing
    for mod, names in ((levels, ("levels_of", "find_levels")), (gaps, ("find_gaps",)),
                       (freshlines, ("find_fresh_lines",)),
                       (standing, ("find_standing_breakouts", "find_moves_from_pivots"))):
        for name in names:
            setattr(mod, name, lambda *a, **k: [])
from tapereader.data.readers import read_bars
from tapereader.data.resample import cut
from tapereader.engine import analyze_symbol
spy, _ = read_bars(sys.argv[1])
ten = cut(spy, "2013-07-08").iloc[-2520:]
for _ in range(3):
    analyze_symbol(ten, "SPY")
ts, cs = [], []
for _ in range(int(sys.argv[2])):
    t, c = time.perf_counter(), time.process_time()
    analyze_symbol(ten, "SPY")
    cs.append((time.process_time() - c) * 1000)
    ts.append((time.perf_counter() - t) * 1000)
print(statistics.median(ts), statistics.median(cs))
"""


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _baseline_src(rev: str) -> Path:
    """``rev``'s ``src`` folder, extracted once into a cache folder (numba caches there)."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", rev],
                         check=True, capture_output=True, text=True).stdout.strip()
    dest = Path(tempfile.gettempdir()) / f"tapereader-baseline-{sha}"
    if not (dest / "src" / "tapereader").is_dir():
        tmp = Path(tempfile.mkdtemp(prefix=f"tapereader-baseline-{sha}-"))
        arch = subprocess.run(["git", "-C", str(ROOT), "archive", sha, "src"], check=True,
                              capture_output=True).stdout
        tar = tmp / "src.tar"
        tar.write_bytes(arch)
        with tarfile.open(tar) as tf:
            tf.extractall(tmp, filter="data")
        tar.unlink()
        if dest.exists():  # a concurrent run finished first
            return dest / "src"
        tmp.rename(dest)
    return dest / "src"


def _child_ms(src: Path, csv: Path, repeat: int, stub: bool = False) -> tuple[float, float]:
    """(wall, CPU) median ms of one symbol's engine in a fresh process on ``src`` (with
    ``stub``: without the memory detectors of issue 11)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("TAPEREADER_BENCH_NO_MEMORY", None)
    if stub:
        env["TAPEREADER_BENCH_NO_MEMORY"] = "1"
    out = subprocess.run([sys.executable, "-c", _CHILD, str(csv), str(repeat)], env=env,
                         check=True, capture_output=True, text=True).stdout
    wall, cpu = out.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def compare(rev: str, csv: Path, rounds: int, repeat: int) -> dict:
    """Interleaved A/B medians (ms) of one symbol's engine: ``rev`` vs this checkout.

    The verdict uses process CPU time (``time.process_time``): on a machine shared by busy
    processes, wall time also counts the time spent waiting for a core."""
    base_src, here_src = _baseline_src(rev), ROOT / "src"
    _child_ms(base_src, csv, 1)  # compile and cache the baseline's kernels
    _child_ms(here_src, csv, 1)
    a, b, c = [], [], []
    for _ in range(rounds):
        a.append(_child_ms(base_src, csv, repeat))
        c.append(_child_ms(here_src, csv, repeat, stub=True))
        b.append(_child_ms(here_src, csv, repeat))
    wa, wb = statistics.median(x[0] for x in a), statistics.median(x[0] for x in b)
    ca, cb = statistics.median(x[1] for x in a), statistics.median(x[1] for x in b)
    cc = statistics.median(x[1] for x in c)
    return {"baseline": rev, "baseline_cpu_ms": round(ca, 3), "current_cpu_ms": round(cb, 3),
            "ratio": round(cb / ca, 3), "no_memory_cpu_ms": round(cc, 3),
            "memory_share": round((cb - cc) / ca, 3), "baseline_wall_ms": round(wa, 3),
            "current_wall_ms": round(wb, 3), "wall_ratio": round(wb / wa, 3),
            "baseline_cpu_runs": [round(x[1], 2) for x in a],
            "current_cpu_runs": [round(x[1], 2) for x in b]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--baseline", default=BASELINE,
                    help="git revision to compare one symbol's engine with ('none': skip)")
    ap.add_argument("--rounds", type=int, default=7, help="interleaved A/B rounds")
    args = ap.parse_args()
    data = default_data_dir()
    spy, _ = read_bars(data / "SPY.csv")
    ten = cut(spy, "2013-07-08").iloc[-2520:]
    analyze_symbol(ten, "SPY")  # warm-up: numba compiles, TA-Lib loads
    one_ms = _median_ms(lambda: analyze_symbol(ten, "SPY"), args.repeat)

    wl = default_watchlist()
    t = time.perf_counter()
    res = read_folder(data, list(wl.instruments))
    analyze(res.bars, "2013-07-08", wl)
    watch_s = time.perf_counter() - t

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import trendln

        closes = ten["close"].to_numpy()
        t = time.perf_counter()
        trendln.calc_support_resistance(closes, method=trendln.METHOD_NSQUREDLOGN)
        trendln_ms = (time.perf_counter() - t) * 1000
    print(f"one symbol, {len(ten)} daily bars: {one_ms:.2f} ms median (target <= 5 ms)")
    print(f"trendln calc_support_resistance on the same closes: {trendln_ms:.1f} ms "
          f"({trendln_ms / one_ms:.0f}x tapereader's whole engine)")
    print(f"reference watchlist ({len(res.bars)} symbols) as of 2013-07-08: {watch_s:.3f} s wall "
          f"(target <= 1.5 s)")
    ab = None
    if args.baseline != "none":
        ab = compare(args.baseline, data / "SPY.csv", args.rounds, args.repeat)
        print(f"before/after (interleaved, {args.rounds} rounds of {args.repeat}), CPU time: "
              f"{ab['baseline']} {ab['baseline_cpu_ms']:.2f} ms -> this checkout "
              f"{ab['current_cpu_ms']:.2f} ms per symbol, x{ab['ratio']:.2f} (limit x1.20); "
              f"this checkout without the memory detectors (levels, gaps, fresh lines, old "
              f"events) {ab['no_memory_cpu_ms']:.2f} ms: they add "
              f"{ab['memory_share'] * 100:.0f}% of the baseline; "
              f"wall {ab['baseline_wall_ms']:.2f} -> {ab['current_wall_ms']:.2f} ms "
              f"(x{ab['wall_ratio']:.2f})")
    ok = one_ms <= 5 and watch_s <= 1.5 and (ab is None or ab["ratio"] <= 1.2)
    print(json.dumps({"one_symbol_ms": round(one_ms, 3), "bars": len(ten),
                      "watchlist_s": round(watch_s, 3), "trendln_ms": round(trendln_ms, 1),
                      "ab": ab, "ok": bool(ok)}))


if __name__ == "__main__":
    main()
