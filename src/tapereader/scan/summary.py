"""The ranked scan summary printed with Rich: what a desk wants to see first.

Tables: strongest relative strength (1-99 rating vs the scanned universe), then the fresh
events — known within a symbol's last ``FRESH_SESSIONS`` bars — ranked by rating: all-time
highs, trend-line breaks and re-tests, bearish reversal days, breakouts.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .runner import FRESH_SESSIONS, ScanResult

TOP = 15


def fresh_rows(result: ScanResult, kinds: tuple[str, ...]) -> pd.DataFrame:
    """Rows of these kinds known within each symbol's last ``FRESH_SESSIONS`` bars.

    Sorted by RS rating (strongest first), then symbol and date; an ``rs_rating`` column
    is added.
    """
    rows = result.rows
    if rows.empty:
        return rows.assign(rs_rating=pd.Series(dtype="Int64"))
    # decide on the three columns it takes, then take the rows once (the table is wide)
    kind = rows["kind"].isin(kinds)
    start = rows["symbol"].map(result.symbols["fresh_from"])
    sel = rows[kind & (rows["known_at"] >= start)]
    sel = sel.assign(rs_rating=sel["symbol"].map(result.rating).astype("Int64"))
    return sel.sort_values(["rs_rating", "symbol", "date", "kind"],
                           ascending=[False, True, True, True], na_position="last",
                           kind="stable")


def strongest(result: ScanResult, top: int = TOP) -> pd.DataFrame:
    """The ``top`` symbols by RS rating (ties broken by raw score, then symbol)."""
    s = result.symbols.dropna(subset=["rs_rating"]).rename_axis(None)
    s = s.assign(symbol=s.index).sort_values(["rs_rating", "rs_score", "symbol"],
                                             ascending=[False, False, True])
    return s.head(top)


def _fmt(v: Any, pct: bool = False) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        return f"{v:+.2f}%" if pct else f"{v:,.2f}"
    return str(v)


def _table(title: str, frame: pd.DataFrame, cols: list[tuple[str, str]], top: int,
           pct: tuple[str, ...] = ()) -> Table | Text:
    frame = frame.drop_duplicates(subset=[c for c, _ in cols])  # same line, same event
    if frame.empty:
        return Text.assemble((title, "bold"), ": none")
    shown = frame.head(top)
    more = f" (top {top} of {len(frame)})" if len(frame) > top else f" ({len(frame)})"
    t = Table(title=title + more, title_justify="left")
    for _, head in cols:
        t.add_column(head)
    for _, r in shown.iterrows():
        t.add_row(*[_fmt(r.get(c), c in pct) for c, _ in cols])
    return t


def _get(frame: pd.DataFrame, col: str) -> pd.DataFrame:
    return frame if col in frame else frame.assign(**{col: None})


def print_summary(result: ScanResult, console: Console | None = None, top: int = TOP) -> None:
    """Print the ranked summary tables for a finished scan."""
    console = console or Console()
    n_ok, n_err = len(result.symbols), len(result.errors)
    wall = result.timings.get("wall_s", math.nan)
    console.print(f"Scanned {n_ok + n_err} symbols as of {result.asof} ({result.engine}): "
                  f"{len(result.rows)} findings, {n_err} skipped, {wall:.1f} s.")
    if n_ok == 0:
        return
    rated = int(result.rating.notna().sum())
    rs = strongest(result, top)
    console.print(_table(f"Strongest relative strength (RS rating 1-99 vs {rated} symbols)",
                         rs, [("symbol", "symbol"), ("rs_rating", "RS"), ("close", "close"),
                              ("ret_63", "63 sessions"), ("ret_252", "252 sessions")],
                         top, pct=("ret_63", "ret_252")))
    fresh = f"last {FRESH_SESSIONS} sessions"
    ath = _get(fresh_rows(result, ("all_time_high",)), "figures.basis")
    ath = _get(_get(ath, "figures.value"), "figures.previous_date")
    # one row per symbol: the closing record when there is one, else the intraday one
    ath = (ath.assign(_close=ath["figures.basis"] != "close")
           .sort_values(["rs_rating", "symbol", "_close", "date"],
                        ascending=[False, True, True, False], na_position="last", kind="stable")
           .drop_duplicates(subset=["symbol"]))
    console.print(_table(f"Fresh all-time highs ({fresh})", ath,
                         [("symbol", "symbol"), ("rs_rating", "RS"), ("date", "date"),
                          ("figures.basis", "basis"), ("figures.value", "high"),
                          ("figures.previous_date", "previous high")], top))
    tl = fresh_rows(result, ("trendline_break", "trendline_retest"))
    for c in ("figures.direction", "figures.line_value", "figures.close"):
        tl = _get(tl, c)
    console.print(_table(f"Fresh trend-line breaks and re-tests ({fresh})", tl,
                         [("symbol", "symbol"), ("rs_rating", "RS"), ("kind", "event"),
                          ("figures.direction", "line"), ("timeframe", "chart"),
                          ("date", "date"), ("figures.line_value", "line at"),
                          ("figures.close", "close")], top))
    rev = _get(fresh_rows(result, ("reversal_day",)), "figures.direction")
    rev = rev[rev["figures.direction"] == "bearish"]
    for c in ("figures.type", "figures.range_atr", "figures.volume_ratio"):
        rev = _get(rev, c)
    console.print(_table(f"Bearish reversal days ({fresh})", rev,
                         [("symbol", "symbol"), ("rs_rating", "RS"), ("date", "date"),
                          ("figures.type", "type"), ("figures.range_atr", "range/ATR"),
                          ("figures.volume_ratio", "volume ratio")], top))
    bo = fresh_rows(result, ("breakout",))
    for c in ("figures.level", "figures.prior_high_date"):
        bo = _get(bo, c)
    console.print(_table(f"Breakouts ({fresh})", bo,
                         [("symbol", "symbol"), ("rs_rating", "RS"), ("timeframe", "chart"),
                          ("date", "date"), ("figures.level", "level"),
                          ("figures.prior_high_date", "prior high")], top))
