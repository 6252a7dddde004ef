"""Series: the numpy view of one symbol's bars that every detector reads.

Detectors are pure functions over these arrays (no pandas, no I/O), so they can
be numba-compiled and run the same way in ``findings`` and in universe scans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..data.bars import BarArrays


@dataclass(frozen=True, slots=True)
class Series:
    """One symbol on one timeframe, all arrays the same length, oldest first.

    ``dates`` is ``datetime64[D]``; prices are float64; ``volume`` and
    ``adj_close`` are float64 arrays (all NaN when the source lacks them).
    ``partial_last`` says the last bar's period is still running (weekly only).
    ``memo`` holds arrays derived from these ones (e.g. the ATR) for the detectors to share
    within one analysis; the arrays are never modified in place.
    """

    symbol: str
    timeframe: str
    dates: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    adj_close: np.ndarray
    partial_last: bool = False
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.close)

    @property
    def has_volume(self) -> bool:
        return bool(np.isfinite(self.volume).any())

    def iso(self, i: int) -> str:
        """ISO date of bar ``i`` (negative indexes allowed; kept in ``memo``)."""
        got = self.memo.get(i)
        if got is None:
            got = self.memo[i] = str(self.dates[i])
        return got

    def head(self, n: int) -> Series:
        """The first ``n`` bars: what was known at bar ``n - 1`` (for prefix tests)."""
        return Series(self.symbol, self.timeframe, self.dates[:n], self.open[:n], self.high[:n],
                      self.low[:n], self.close[:n], self.volume[:n], self.adj_close[:n],
                      self.partial_last if n >= len(self) else False)


_COLUMNS = ("open", "high", "low", "close", "volume", "adj_close")


def series_from_arrays(bars: BarArrays, symbol: str) -> Series:
    """The daily Series of validated arrays (what ``series_from_bars`` gives for their
    frame, without building one). Arrays are used as they are when they are contiguous,
    writable float64 (read-only Arrow buffers are copied: numba would compile again)."""
    cols = {name: np.full(len(bars), np.nan) if (v := bars.values.get(name)) is None
            else np.require(v, dtype=np.float64, requirements=("C", "W")) for name in _COLUMNS}
    return Series(symbol, "daily", bars.dates.astype("datetime64[D]"), **cols)  # type: ignore[arg-type]


def cut_series(s: Series, asof: pd.Timestamp | str | None) -> Series:
    """The bars of ``s`` up to and including ``asof`` (``data.resample.cut`` on a Series)."""
    if asof is None:
        return s
    day = np.datetime64(pd.Timestamp(asof).date(), "D")
    end = int(np.searchsorted(s.dates, day, side="right"))
    return s if end == len(s) else s.head(end)


def series_from_bars(bars: pd.DataFrame, symbol: str, timeframe: str = "daily") -> Series:
    """Build a Series from Bars (see ``tapereader.data.bars`` for the convention)."""
    n = len(bars)
    arrays = _price_columns(bars)
    partial = bool(n and "partial" in bars and bool(bars["partial"].iloc[-1]))
    return Series(
        symbol=symbol,
        timeframe=timeframe,
        dates=bars.index.values.astype("datetime64[D]"),
        open=arrays["open"], high=arrays["high"], low=arrays["low"], close=arrays["close"],
        volume=arrays["volume"], adj_close=arrays["adj_close"], partial_last=partial,
    )


def _price_columns(bars: pd.DataFrame) -> dict[str, np.ndarray]:
    """The price/volume columns as contiguous float64 arrays (all NaN when absent).

    A frame of only these columns converts in one ``to_numpy`` call (one block, ~50x
    cheaper than six column conversions); anything else goes column by column.
    """
    n = len(bars)
    names = [str(c) for c in bars.columns]
    if names and set(names) <= set(_COLUMNS) and len(set(names)) == len(names):
        block = np.ascontiguousarray(bars.to_numpy(dtype=np.float64, na_value=np.nan).T)
        got = dict(zip(names, block, strict=True))
    else:
        got = {name: np.ascontiguousarray(bars[name].to_numpy(dtype=np.float64,
                                                              na_value=np.nan))
               for name in _COLUMNS if name in bars}
    nan = np.full(n, np.nan)
    return {name: got[name] if name in got else nan.copy() for name in _COLUMNS}


def resample_series(d: Series, timeframe: str,
                    asof: str | np.datetime64 | pd.Timestamp | None = None) -> Series:
    """Weekly/monthly Series from a daily one, on arrays (same rules as ``data.resample``)."""
    from ..data.resample import aggregate

    if not len(d):
        return Series(d.symbol, timeframe, d.dates, d.open, d.high, d.low, d.close, d.volume,
                      d.adj_close, False)
    cols = {"open": d.open, "high": d.high, "low": d.low, "close": d.close,
            "adj_close": d.adj_close, "volume": d.volume}
    agg, ends, partial = aggregate(d.dates, cols, timeframe, None if asof is None else
                                   pd.Timestamp(asof))
    return Series(d.symbol, timeframe, d.dates[ends], agg["open"], agg["high"], agg["low"],
                  agg["close"], agg["volume"], agg["adj_close"], bool(partial[-1]))
