"""IBD-style relative strength rating: each symbol's weighted one-year return ranked 1-99.

The raw score weights the latest quarter double: 40% of the return over the last 63
sessions plus 20% each of the returns over the three quarters before it (sessions
63-126, 126-189 and 189-252 back). Scores are ranked across the scanned universe and
mapped linearly to 1 (weakest) .. 99 (strongest), so a rating says "stronger than about
that percentage of the universe over the past year, recent months counting most".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

QUARTER = 63
WEIGHTS = (0.4, 0.2, 0.2, 0.2)  # latest quarter first
MIN_BARS = QUARTER * len(WEIGHTS) + 1


def rs_score(close: np.ndarray) -> float:
    """Weighted quarterly return in percent, or NaN with fewer than ``MIN_BARS`` valid closes.

    ``close`` is oldest first; pass total-return closes (adjusted for dividends and splits)
    so that a dividend does not look like weakness.
    """
    c = np.asarray(close, dtype=np.float64)
    if len(c) < MIN_BARS:
        return math.nan
    ends = [c[-1 - QUARTER * q] for q in range(len(WEIGHTS) + 1)]  # now, -63, -126, -189, -252
    if not all(math.isfinite(x) and x > 0 for x in ends):
        return math.nan
    score = sum(w * (ends[q] / ends[q + 1] - 1.0) for q, w in enumerate(WEIGHTS))
    return float(score * 100.0)


def window_return(close: np.ndarray, sessions: int) -> float:
    """Percent change over the last ``sessions`` bars (NaN when the history is shorter)."""
    c = np.asarray(close, dtype=np.float64)
    if len(c) <= sessions or not (c[-1 - sessions] > 0):
        return math.nan
    return float((c[-1] / c[-1 - sessions] - 1.0) * 100.0)


def rs_rating(scores: pd.Series) -> pd.Series:
    """Rank raw scores into an ``Int64`` rating 1..99 (NaN scores get <NA>).

    Ties share their average rank. The weakest symbol gets 1, the strongest 99, the rest
    linearly in between by rank; a universe of one symbol rates it 50.
    """
    valid = scores.dropna()
    out = pd.Series(pd.NA, index=scores.index, dtype="Int64", name="rs_rating")
    n = len(valid)
    if n == 0:
        return out
    if n == 1:
        out[valid.index] = 50
        return out
    rank = valid.rank(method="average").to_numpy()  # 1..n
    rating = np.floor(1.0 + 98.0 * (rank - 1.0) / (n - 1.0) + 0.5).astype(np.int64)
    out[valid.index] = np.clip(rating, 1, 99)
    return out
