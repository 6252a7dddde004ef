"""Reading speed: a 3,000-row CSV (GSPC's first rows) read and validated, best of 15.

    python benchmarks/reading.py

Target: a few ms (5 ms); the loop-free floor is pandas' own ``read_csv`` of the same file,
timed in the same run. Moved here from tests/data/test_readers.py (no wall time in tests).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from tapereader.data.readers import read_bars
from tapereader.paths import default_data_dir


def best(fn, n: int = 15) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    lines = (default_data_dir() / "GSPC.csv").read_text().splitlines()[:3001]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "G.csv"
        path.write_text("\n".join(lines) + "\n")
        read_bars(path)
        ours = best(lambda: read_bars(path))
        floor = best(lambda: pd.read_csv(path))
    print(f"read_bars 3000 rows: {ours * 1000:.2f} ms (target 5 ms); "
          f"pandas.read_csv alone: {floor * 1000:.2f} ms")
    return 0 if ours < 0.005 else 1


if __name__ == "__main__":
    sys.exit(main())
