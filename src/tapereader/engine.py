"""The engine: runs every detector for a watchlist as of a date.

Point in time: bars after ``asof`` are cut before any detector sees them, so
findings as of D from the full data equal findings as of D from data through D.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .analysis.series import Series, cut_series, resample_series, series_from_bars
from .config import EQUITY_ROLES, Watchlist, default_watchlist
from .data import calendar as xcal
from .data.dates import parse_asof, parse_date
from .data.errors import DataError
from .data.resample import cut
from .findings import Finding, sort_key

# Roles compared in the cross-asset finding, and roles that count as stocks for leadership.
CROSS_ROLES = (*EQUITY_ROLES, "bonds", "credit", "commodities", "gold")
MIN_DAILY_BARS = 2


def _asof_of(bars: Mapping[str, pd.DataFrame | Series], asof: str | None) -> pd.Timestamp:
    """``asof``, or the latest last date of ``bars`` (Bars or daily Series)."""
    if asof is not None:
        return pd.Timestamp(parse_date(asof, "asof"))
    lasts = [pd.Timestamp(b.dates[-1]) if isinstance(b, Series) else b.index[-1]
             for b in bars.values() if len(b)]
    if not lasts:
        raise ValueError("no bars to analyze")
    return max(lasts)


def last_session(asof: pd.Timestamp) -> pd.Timestamp:
    """The last XNYS session on or before ``asof`` (``asof`` itself before the calendar)."""
    s = xcal.session_on_or_before(asof)
    return s if s is not None else pd.Timestamp(asof).normalize()


def _stale(d: Series, asof: pd.Timestamp) -> Finding | None:
    """A ``stale`` finding when the daily bars ``d`` (cut at ``asof``) end before the last
    session on or before ``asof``."""
    if not len(d):
        return None
    last = pd.Timestamp(d.dates[-1])
    if last >= asof:
        return None
    expected = last_session(asof)
    if last >= expected:
        return None
    day = d.iso(-1)
    missing = len(xcal.sessions(last + pd.Timedelta(days=1), expected))
    return Finding("stale", d.symbol, "daily", day, day,
                   {"last_date": day, "asof": expected.date().isoformat(),
                    "missing_sessions": missing},
                   f"{d.symbol}: data ends {day}, {missing} sessions before {expected.date()}; "
                   f"no readings for it.", score=0.1)


def _prepare(daily: Series, at: pd.Timestamp) -> tuple[Finding | None, Series, Series]:
    """A ``stale`` finding if the daily bars end too early (then there is nothing else to
    read in them), the daily bars cut at ``at`` and their weekly bars (unused, so not
    computed, when stale: the daily bars stand in)."""
    d = cut_series(daily, at)
    stale = _stale(d, at)
    return stale, d, d if stale is not None else resample_series(d, "weekly", at)


def analyze_series(daily: Series, asof: str | None = None) -> list[Finding]:
    """Single-symbol findings (daily and weekly detectors) of daily bars as of ``asof``.

    What the scan runs per symbol; ``analyze`` adds pairs and cross-asset findings.
    """
    stale, d, w = _prepare(daily, _asof_of({daily.symbol: daily}, asof))
    if stale is not None:
        return [stale]
    return sorted(_single(d, w), key=sort_key)


def analyze_symbol(bars: pd.DataFrame, symbol: str, asof: str | None = None) -> list[Finding]:
    """:func:`analyze_series` of one symbol's Bars."""
    return analyze_series(series_from_bars(bars, symbol, "daily"), asof)


def _single(d: Series, w: Series) -> list[Finding]:
    from .analysis import (
        channels,
        freshlines,
        gaps,
        levels,
        moves,
        records,
        reversals,
        standing,
        targets,
        trendlines,
        zones,
    )
    from .analysis.analogs import find_analogs
    from .analysis.swings import find_swings

    if len(d) < MIN_DAILY_BARS:
        return []
    out: list[Finding] = []
    sw_d = find_swings(d)
    out += records.find_records(d, sw_d)
    out += moves.find_moves(d)
    out += reversals.find_reversals(d)
    zs = zones.find_zones(d, sw_d)
    out += zs
    out += zones.find_breakouts(d, sw_d)
    memory = levels.levels_of(d, sw_d)  # h11-engine: the memory of levels, gaps
    out += levels.find_levels(d, sw_d, levels=memory)
    out += gaps.find_gaps(d)
    out += standing.find_standing_breakouts(d, sw_d, levels=memory)
    out += standing.find_moves_from_pivots(d, sw_d)
    out += freshlines.find_fresh_lines(d, sw_d)
    out += targets.find_targets(d, zs, sw_d, levels=memory)
    out += trendlines.find_trendlines(d, sw_d)
    if len(w) >= 2:
        out += gaps.find_gaps(w)
        sw_w = find_swings(w)
        out += trendlines.find_trendlines(w, sw_w)
        out += channels.find_channels(w)
        out += find_analogs(w, daily=d)
    return out


def validated(bars: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each frame checked and normalised with the rules (and messages) files get: a DataError
    naming ``bars['SYMBOL']``, the row, the date and the rule broken. yfinance frames (Date
    index, ``Adj Close``, one-ticker column levels) are normalised."""
    from .data.validate import validate_frame

    if not isinstance(bars, Mapping):
        raise TypeError(f"bars must be a mapping of symbol -> DataFrame, not "
                        f"{type(bars).__name__}")
    out: dict[str, pd.DataFrame] = {}
    for sym, frame in bars.items():
        if not isinstance(sym, str) or not sym.strip():
            raise DataError("bars", f"symbol {sym!r} is not a non-empty string")
        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"bars[{sym!r}]", f"a DataFrame is needed, not "
                            f"{type(frame).__name__}")
        out[sym] = validate_frame(frame, f"bars[{sym!r}]")[0]
    return out


def analyze(bars: Mapping[str, pd.DataFrame], asof: str | None = None,
            watchlist: Watchlist | None = None) -> list[Finding]:
    """All findings for the given symbols as of ``asof`` (default: the latest date in the data).

    Per symbol: records, moves, reversals, zones, breakouts, targets (daily) and trend lines,
    channels, analogs (weekly). Across symbols: relative strength for the watchlist's pairs,
    leadership among stock indices/ETFs and the cross-asset comparison by role. The frames are
    validated first (:func:`validated`) and ``asof`` must be a ``YYYY-MM-DD`` date.
    """
    return analyze_bars(validated(bars), parse_asof(asof, "asof"), watchlist)


def analyze_bars(bars: Mapping[str, pd.DataFrame], asof: str | None = None,
                 watchlist: Watchlist | None = None) -> list[Finding]:
    """:func:`analyze` of Bars that are already validated (read by tapereader's readers)."""
    from .analysis.relative import find_cross_asset, find_leadership, find_relative

    wl = watchlist or default_watchlist()
    at = _asof_of(bars, asof)
    out: list[Finding] = []
    fresh: dict[str, Series] = {}
    for sym, b in bars.items():
        stale, d, w = _prepare(series_from_bars(b, sym, "daily"), at)
        if stale is not None:
            out.append(stale)
            continue
        if not len(d):
            continue
        fresh[sym] = d
        out += _single(d, w)
    pairs = [(a, b) for a, b in wl.pairs if a in fresh and b in fresh]
    if pairs:
        out += find_relative(fresh, pairs)
    equities = [s for s in fresh if wl.role(s) in EQUITY_ROLES and s in wl]
    if len(equities) >= 2:
        out += find_leadership(fresh, equities)
    roles = {s: wl.role(s) for s in fresh if s in wl and wl.role(s) in CROSS_ROLES}
    kinds = set(roles.values())
    if kinds & set(EQUITY_ROLES) and kinds - set(EQUITY_ROLES):
        out += find_cross_asset(fresh, roles)
    return sorted(out, key=sort_key)


def findings_document(found: list[Finding], bars: Mapping[str, pd.DataFrame],
                      asof: str | None) -> dict[str, Any]:
    """The JSON contract: ``{asof, data_through, symbols, findings}`` (see docs/findings.md)."""
    at = _asof_of(bars, asof)
    lasts = [c.index[-1] for c in (cut(b, at) for b in bars.values()) if len(c)]
    through = max(lasts).date().isoformat() if lasts else None
    return {
        "asof": at.date().isoformat(),
        "data_through": through,
        "symbols": list(bars),
        "findings": [f.to_dict() for f in found],
    }
