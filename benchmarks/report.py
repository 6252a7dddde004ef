"""Benchmark: the whole daily report for the default watchlist (target <= 5 s wall).

    PYTHONPATH=src python benchmarks/report.py [--asof 2013-07-08] [--data DIR] [--repeat 3]

Times, in one fresh process: imports, reading the data folder and running the engine
(``pipeline.load_and_analyze``), then ``write_report`` (note, five charts as SVG and PNG,
page, findings.json) into a temporary folder. Numba's kernels are compiled first, once per
checkout, in a child process (``numba_cache.py``). The first report includes one-off costs
(matplotlib fonts, template compilation); later repeats show the warm cost.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from numba_cache import ensure_compiled

T0 = time.perf_counter()

TARGET_S = 5.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--asof", default="2013-07-08")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from tapereader.paths import default_data_dir

    ensure_compiled(args.data or default_data_dir())  # a child process: numba's cache
    global T0
    T0 = time.perf_counter()  # this process's imports are timed from here

    from tapereader.config import default_watchlist
    from tapereader.pipeline import load_and_analyze
    from tapereader.report import write_report

    t_import = time.perf_counter()
    wl = default_watchlist()
    run = load_and_analyze(args.data or default_data_dir(), args.asof, wl, None)
    t_engine = time.perf_counter()
    times = []
    with tempfile.TemporaryDirectory() as d:
        for k in range(max(1, args.repeat)):
            t = time.perf_counter()
            res = write_report(run.bars, run.findings, run.document, wl, args.asof,
                               Path(d) / f"out{k}")
            times.append(time.perf_counter() - t)
    first_total = t_engine - T0 + times[0]
    print(f"report as of {args.asof}: {len(run.bars)} symbols, {len(run.findings)} findings, "
          f"{len(res.files)} files; headline: {res.headline}")
    print(f"  imports           {t_import - T0:6.2f} s")
    print(f"  data + engine     {t_engine - t_import:6.2f} s")
    print(f"  write_report      {times[0]:6.2f} s first, "
          f"{min(times[1:]) if len(times) > 1 else float('nan'):6.2f} s warm (best of "
          f"{len(times) - 1})")
    print(f"  whole report      {first_total:6.2f} s wall (cold process; target <= {TARGET_S} s)"
          f" -> {'OK' if first_total <= TARGET_S else 'SLOW'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
