"""The engine: runs every detector for a watchlist as of a date.

Point in time: bars after ``asof`` are cut before any detector sees them, so
findings as of D from the full data equal findings as of D from data through D.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .config import Watchlist
from .findings import Finding


def analyze_symbol(bars: pd.DataFrame, symbol: str, asof: str | None = None) -> list[Finding]:
    """Single-symbol findings (daily and weekly detectors) as of ``asof``.

    The scan runs exactly this per symbol; ``analyze`` adds pairs and cross-asset findings.
    """
    raise NotImplementedError  # wired up by the lead once the detectors land


def analyze(bars: Mapping[str, pd.DataFrame], asof: str | None = None,
            watchlist: Watchlist | None = None) -> list[Finding]:
    """All findings for the given symbols as of ``asof`` (default: the latest date in the data)."""
    raise NotImplementedError
