"""Bars: one symbol's daily OHLCV on exchange sessions, as a pandas DataFrame.

Convention (every source returns this, every consumer relies on it):

- index: ``DatetimeIndex`` named ``date``, tz-naive, midnight timestamps, strictly
  increasing, every date an XNYS session;
- columns, float64: ``open, high, low, close``; ``adj_close`` when the source has it
  (NaN where a row lacks it); ``volume`` when the source has it (NaN where a row lacks it);
- resampled bars (weekly/monthly) add ``sessions`` (int) and ``partial`` (bool): a bar
  whose period is still running at ``asof`` is partial and labelled by its last session so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

PRICE_COLUMNS = ("open", "high", "low", "close")
OPTIONAL_COLUMNS = ("adj_close", "volume")
COLUMNS = PRICE_COLUMNS + OPTIONAL_COLUMNS
BARS_PER_YEAR = {"daily": 252, "weekly": 52}
"""Bars in a year on each timeframe (XNYS sessions, weeks): lookbacks given in years."""

Bars = pd.DataFrame
"""Type alias: a DataFrame following the convention above."""


@dataclass(frozen=True, slots=True)
class BarArrays:
    """Validated Bars as plain arrays, before any DataFrame is built.

    The fast readers produce these; a universe scan analyzes them as they are (no
    DataFrame and back), everyone else asks for :meth:`frame`.
    ``dates``: datetime64[ns]; ``values``: float64 arrays keyed by the names in
    ``COLUMNS`` (the four prices always, ``adj_close``/``volume`` when the source has them).
    """

    dates: np.ndarray
    values: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.dates)

    def frame(self) -> Bars:
        """The same data as Bars (one float64 block)."""
        names = tuple(k for k in COLUMNS if k in self.values)
        block = np.column_stack([self.values[k] for k in names])  # a new array: no copy needed
        return pd.DataFrame(block, index=pd.DatetimeIndex(self.dates, name="date"),
                            columns=_columns(names), copy=False)

    @classmethod
    def from_frame(cls, bars: Bars) -> BarArrays:
        """The arrays of validated Bars."""
        return cls(pd.DatetimeIndex(bars.index).as_unit("ns").to_numpy(),
                   {k: bars[k].to_numpy(dtype=np.float64) for k in COLUMNS if k in bars})


@lru_cache(maxsize=64)
def _column_index(names: tuple[str, ...]) -> pd.Index:
    return pd.Index(names)


def _columns(names: tuple[str, ...]) -> pd.Index:
    """A view of a cached columns Index (cheaper than building one from strings), so
    each frame's columns keep their own ``name``."""
    return _column_index(names).view()


def has_volume(bars: Bars) -> bool:
    """True when the bars carry a usable volume column (not all NaN)."""
    return "volume" in bars and bool(bars["volume"].notna().any())


def has_adj_close(bars: Bars) -> bool:
    """True when the bars carry adjusted closes (for total return)."""
    return "adj_close" in bars and bool(bars["adj_close"].notna().any())
