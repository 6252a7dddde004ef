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

import pandas as pd

PRICE_COLUMNS = ("open", "high", "low", "close")
OPTIONAL_COLUMNS = ("adj_close", "volume")
COLUMNS = PRICE_COLUMNS + OPTIONAL_COLUMNS

Bars = pd.DataFrame
"""Type alias: a DataFrame following the convention above."""


def has_volume(bars: Bars) -> bool:
    """True when the bars carry a usable volume column (not all NaN)."""
    return "volume" in bars and bool(bars["volume"].notna().any())


def has_adj_close(bars: Bars) -> bool:
    """True when the bars carry adjusted closes (for total return)."""
    return "adj_close" in bars and bool(bars["adj_close"].notna().any())
