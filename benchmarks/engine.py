"""Engine speed: one symbol's full findings, and the reference watchlist as of 2013-07-08.

Targets (issue 3): one symbol with ten years of daily bars <= 5 ms median after warm-up; the
reference watchlist as of 2013-07-08 <= 1.5 s wall (reading the files included). Peer measured
in the same run: trendln's calc_support_resistance on the same ten years of closes.

    python benchmarks/engine.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings

from tapereader.config import default_watchlist
from tapereader.data.readers import read_bars, read_folder
from tapereader.data.resample import cut
from tapereader.engine import analyze, analyze_symbol
from tapereader.paths import default_data_dir


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50)
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
    print(json.dumps({"one_symbol_ms": round(one_ms, 3), "bars": len(ten),
                      "watchlist_s": round(watch_s, 3), "trendln_ms": round(trendln_ms, 1),
                      "ok": bool(one_ms <= 5 and watch_s <= 1.5)}))


if __name__ == "__main__":
    main()
