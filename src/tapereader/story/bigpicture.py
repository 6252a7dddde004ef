"""The day and the big picture: what every note opens with, decided here, worded in
``templates/big_picture.j2``.

The benchmark's move and its rank in the data ("the worst day since October 2008"), its
distance from the record and from the current bull market's high, the market's state in
standard terms (correction, bear market) with how long it has lasted, the VIX when it is
alarming, and record closes of the stock indices. Nothing here names a symbol: roles and
``tracks`` come from the watchlist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..config import Watchlist
from ..findings import Finding
from . import ranking
from .ranking import EQUITY_ROLES

NOTABLE_DAYS = 30         # a move is "the largest since ..." only when that is a month back
VIX_LEVEL = 30.0          # the VIX is worth a sentence at or above this close ...
VIX_JUMP_PCT = 25.0       # ... or after a one-day jump this large
HISTORY_SLACK_DAYS = 31   # data starting this close to inception holds the whole history
REBOUND_PCT = 15.0        # a major resistance this close above a falling market is named
EXTREME_SHARE_PCT = 1.0   # a move among the data's largest 1% of sessions ...
EXTREME_YEARS = 2.0       # ... or the largest for two years earns "plunge" or "surge"
STRONG_SHARE_PCT = 5.0    # the largest 5%, or the largest for half a year: "heavy", "strong"
STRONG_YEARS = 0.5


def years_between(a: str, b: str) -> float:
    """Calendar years from ISO date ``a`` to ``b``."""
    return (dt.date.fromisoformat(b[:10]) - dt.date.fromisoformat(a[:10])).days / 365.25


def day_move(findings: list[Finding], symbol: str) -> Finding | None:
    """The ``day_move`` finding of ``symbol``."""
    return next(iter(ranking.of(findings, symbol, "day_move")), None)


def market_state(findings: list[Finding], symbol: str) -> Finding | None:
    return next(iter(ranking.of(findings, symbol, "market_state")), None)


def benchmark(findings: list[Finding], wl: Watchlist) -> str | None:
    """The benchmark index the note's big picture is about (the first with a day's move)."""
    for s in wl.with_role("benchmark"):
        if ranking.is_index(s, wl) and day_move(findings, s) is not None:
            return s
    for s in wl.with_role("benchmark"):
        if day_move(findings, s) is not None:
            return s
    return None


def move_rarity(f: Finding, asof: str) -> float:
    """Years since a move as large in the same direction (the data's span plus one when it is
    the largest of the data): how rare the day is in the instrument's own history."""
    since = f.figures.get("since_date")
    first = f.figures.get("first_date") or since or asof
    if since is None:
        return years_between(first, asof) + 1.0
    return years_between(since, asof)


def move_intensity(f: Finding, asof: str) -> str:
    """How strong a word a ``day_move`` deserves: "extreme", "strong" or "mild", by the share
    of the data's sessions with a move as large (``pct_rank_abs``) and the years since a move
    as large in the same direction: a 6% day is extreme even a few months after a larger one,
    and the worst day in six months at -2% is not a plunge."""
    share = f.figures.get("pct_rank_abs")
    share = 100.0 if share is None else float(share)
    years = move_rarity(f, asof)
    if share <= EXTREME_SHARE_PCT or years >= EXTREME_YEARS:
        return "extreme"
    if share <= STRONG_SHARE_PCT or years >= STRONG_YEARS:
        return "strong"
    return "mild"


def is_notable(f: Finding, asof: str) -> bool:
    """Is the move the largest for at least a month (so that its rank is worth saying)?"""
    since = f.figures.get("since_date")
    return since is None or (dt.date.fromisoformat(asof) -
                             dt.date.fromisoformat(since)).days >= NOTABLE_DAYS


def covers_history(f: Finding, wl: Watchlist) -> bool:
    """May a record of ``f`` (a record finding of the data) be called "all-time"?"""
    return history_covered(f.symbol, "high" in f.kind, f.figures.get("first_date"), wl)


def history_covered(symbol: str, highs: bool, first: str | None, wl: Watchlist) -> bool:
    """Does data starting at ``first`` hold ``symbol``'s record highs (``highs``) or lows?

    Highs: when the data starts at the instrument's inception or the watchlist says no
    earlier close was higher (``highs_complete``; an ETF takes its index's). Lows: only when
    the data starts at the inception.
    """
    inst = wl.instruments.get(symbol)
    if inst is None:
        return False
    if inst.inception and first and (dt.date.fromisoformat(first) -
                                     dt.date.fromisoformat(inst.inception)).days \
            <= HISTORY_SLACK_DAYS:
        return True
    if not highs:
        return False
    if inst.highs_complete:
        return True
    idx = wl.instruments.get(inst.tracks or "")
    return bool(idx and idx.highs_complete)


def vix_alarm(findings: list[Finding], wl: Watchlist) -> Finding | None:
    """The volatility index's day when it closes at ``VIX_LEVEL`` or more or jumps
    ``VIX_JUMP_PCT`` percent or more."""
    for s in wl.with_role("volatility"):
        f = day_move(findings, s)
        if f is None:
            continue
        close, p = f.figures.get("close"), float(f.figures["pct"])
        if (close is not None and float(close) >= VIX_LEVEL) or p >= VIX_JUMP_PCT:
            return f
    return None


def equity_indices(wl: Watchlist) -> list[str]:
    """The stock indices of the watchlist (not their ETFs), benchmark first."""
    syms = [s for s in wl.instruments if wl.role(s) in EQUITY_ROLES and ranking.is_index(s, wl)]
    return sorted(syms, key=lambda s: ranking.role_rank(s, wl))


def record_closes(findings: list[Finding], wl: Watchlist, asof: str,
                  kinds: tuple[str, ...] = ("all_time_high",)) -> list[Finding]:
    """Closing records set on ``asof`` by the stock indices, benchmark first."""
    out = []
    for s in equity_indices(wl):
        f = next((r for r in ranking.of(findings, s, *kinds)
                  if r.date == asof and r.figures.get("basis") == "close"), None)
        if f is not None:
            out.append(f)
    return out


def record_rarity(f: Finding, asof: str) -> float:
    """How rare a record close is: years since the record it beat, when it ended a drought
    (the first record of a run); a record in a run of records is routine."""
    g = f.figures
    if f.kind.startswith("new_low") or f.kind.startswith("new_high"):
        since = g.get("since_date")
        first = g.get("first_date") or asof
        return years_between(since, asof) if since else years_between(first, asof) + 1.0
    if f.kind == "all_time_low":
        return years_between(str(g.get("first_date") or asof), asof)
    base = 0.3 + (1.0 if g.get("round_number") else 0.0)
    if int(g.get("run_sessions") or 1) > 1:
        return base
    return base + years_between(str(g["previous_date"]), asof)


def drought_rarity(f: Finding, asof: str) -> float:
    """A record's rarity by the drought it ended: years since the record it beat, for the
    first record of a run (a record in a run of records is routine)."""
    g = f.figures
    base = 0.3 + (1.0 if g.get("round_number") else 0.0)
    if int(g.get("run_sessions") or 1) > 1 or not g.get("previous_date"):
        return base
    return base + years_between(str(g["previous_date"]), asof)


@dataclass
class BigPicture:
    """What the opening section says (each a finding, or None when not worth saying)."""

    bench: str | None
    day: Finding | None = None
    notable: bool = False            # the day's move is the largest for at least a month
    state: Finding | None = None
    vix: Finding | None = None
    records: list[Finding] = field(default_factory=list)   # index record closes today
    lows: list[Finding] = field(default_factory=list)      # index lowest-close-since today
    others: list[Finding] = field(default_factory=list)  # other indices' rarer day moves
    support: Finding | None = None      # the next major support, on a falling market
    resistance: Finding | None = None   # the next major resistance above a falling market

    def findings(self) -> list[Finding]:
        return [f for f in (self.day, self.state, self.vix, self.support, self.resistance)
                if f is not None] + self.others + self.records + self.lows

    def score(self, asof: str) -> float:
        return max([move_rarity(self.day, asof)] if self.day else [0.0])


def big_picture(findings: list[Finding], wl: Watchlist, asof: str) -> BigPicture:
    """The facts of the opening section, chosen from the findings."""
    b = benchmark(findings, wl)
    if b is None:
        return BigPicture(None)
    day = day_move(findings, b)
    lows = [f for f in record_closes(findings, wl, asof, ("all_time_low", "new_low_52w"))]
    state = market_state(findings, b)
    notable = bool(day and is_notable(day, asof))
    sup = res = None
    if falling(state, day, notable):
        sup = major_level(findings, b, "support")
        res = major_level(findings, b, "resistance")
        if res is not None and abs(float(res.figures["pct_away"])) > REBOUND_PCT:
            res = None
    return BigPicture(b, day, notable, state, vix_alarm(findings, wl),
                      record_closes(findings, wl, asof), lows, rarer_moves(findings, wl, asof, b),
                      sup, res)


def rarer_moves(findings: list[Finding], wl: Watchlist, asof: str, bench: str
                ) -> list[Finding]:
    """Other stock indices' notable day moves that are rarer than the benchmark's."""
    day = day_move(findings, bench)
    floor = move_rarity(day, asof) if day is not None else 0.0
    out = []
    for s in equity_indices(wl):
        f = day_move(findings, s)
        if s != bench and f is not None and is_notable(f, asof) and move_rarity(f, asof) > floor:
            out.append(f)
    return out


def falling(state: Finding | None, day: Finding | None, notable: bool) -> bool:
    """Is the market falling: in a correction or a bear market, or on a notable down day?"""
    if state is not None and state.figures.get("state") in ("correction", "bear"):
        return True
    return bool(day is not None and notable and day.figures.get("direction") == "down")


def major_level(findings: list[Finding], symbol: str, role: str) -> Finding | None:
    """The nearest major level of ``symbol`` on the ``role`` side (the chart's memory)."""
    fs = [f for f in ranking.of(findings, symbol, "major_level")
          if f.figures.get("role") == role and f.figures.get("pct_away") is not None]
    near = [f for f in fs if f.figures.get("nearest")] or fs
    return min(near, key=lambda f: abs(float(f.figures["pct_away"])), default=None)


def state_words(state: Finding | None) -> dict[str, Any]:
    """What the template needs to word the market state: the state, whether the record is
    another high than the bull market's, and whether the close is the state's low."""
    if state is None:
        return {}
    g = state.figures
    return {
        "state": g["state"],
        "record_differs": g.get("record_date") != g.get("high_date"),
        "at_low": g.get("low_date") == state.date,
        "at_high": float(g["pct_from_high"]) >= 0,
        "young_bull": g["state"] == "bull" and g.get("bull_start") is not None
        and years_between(str(g["bull_start"]), state.date) <= 1.0,
    }
