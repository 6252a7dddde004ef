"""A deterministic synthetic universe for the scan benchmark: random walks with planted trends.

Each symbol's closes are a geometric random walk whose drift switches between regimes
(steady uptrends, downtrends, flat ranges) every few months, so the detectors find what
they find on real charts: swings, trend lines, breaks, records. Highs/lows/opens come from
a random intraday range around the close, volume from a lognormal around a per-symbol
level. Dates are the XNYS sessions ending at ``END``. Same ``seed`` -> same bytes.

    python benchmarks/synthetic.py OUT_DIR [--symbols 5000] [--bars 2520] [--seed 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

END = "2016-12-30"


def sessions(bars: int, end: str = END) -> pd.DatetimeIndex:
    """The last ``bars`` XNYS sessions up to ``end``."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from tapereader.data.calendar import sessions as xnys_sessions

    start = pd.Timestamp(end) - pd.Timedelta(days=int(bars * 1.5) + 30)
    s = xnys_sessions(start, end)
    if len(s) < bars:
        raise ValueError(f"calendar gives only {len(s)} sessions before {end}")
    return s[-bars:]


def symbol_frame(rng: np.random.Generator, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """One symbol's daily OHLCV with regime-switching drift (planted trends)."""
    n = len(dates)
    vol = rng.uniform(0.008, 0.03)  # daily volatility
    drift = np.empty(n)
    i = 0
    while i < n:
        length = int(rng.integers(40, 260))  # a regime lasts 2 months to a year
        kind = rng.choice(3, p=(0.45, 0.25, 0.30))  # up, down, flat
        d = {0: rng.uniform(0.3, 1.5), 1: -rng.uniform(0.3, 1.5), 2: 0.0}[int(kind)] * vol / 4
        drift[i:i + length] = d
        i += length
    rets = drift + vol * rng.standard_t(5, n) / np.sqrt(5 / 3)
    close = rng.uniform(10, 200) * np.exp(np.cumsum(rets))
    prev = np.concatenate([[close[0]], close[:-1]])
    gap = 1 + vol * 0.3 * rng.standard_normal(n)
    open_ = prev * gap
    span = np.abs(vol * rng.standard_normal(n)) * close * 0.8 + 1e-6 * close
    high = np.maximum(open_, close) + span * rng.uniform(0, 1, n)
    low = np.minimum(open_, close) - span * rng.uniform(0, 1, n)
    low = np.maximum(low, 0.05 * close)
    volume = np.round(rng.lognormal(np.log(rng.uniform(2e5, 5e7)), 0.4, n))
    r4 = lambda a: np.round(a, 4)  # noqa: E731
    return pd.DataFrame({"open": r4(open_), "high": r4(high), "low": r4(low), "close": r4(close),
                         "adj_close": r4(close), "volume": volume},
                        index=pd.Index(dates, name="date"))


def names(count: int) -> list[str]:
    """Ticker-like names SYN0000, SYN0001, ..."""
    width = max(4, len(str(count - 1)))
    return [f"SYN{i:0{width}d}" for i in range(count)]


def write_universe(out: Path, symbols: int = 5000, bars: int = 2520, seed: int = 7) -> list[Path]:
    """Write ``symbols`` parquet files (SYNnnnn.parquet) into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    dates = sessions(bars)
    date_col = pa.array(dates.values.astype("datetime64[ns]"))
    paths = []
    for i, name in enumerate(names(symbols)):
        rng = np.random.default_rng([seed, i])
        df = symbol_frame(rng, dates)
        cols = {"date": date_col, **{c: pa.array(df[c].to_numpy()) for c in df.columns}}
        p = out / f"{name}.parquet"
        pq.write_table(pa.table(cols), p, compression="snappy")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--symbols", type=int, default=5000)
    ap.add_argument("--bars", type=int, default=2520)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    t = time.perf_counter()
    paths = write_universe(a.out, a.symbols, a.bars, a.seed)
    print(f"wrote {len(paths)} files to {a.out} in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
