"""Ranking findings: which story leads the note and which instruments the charts show.

Nothing here names a symbol or a date: the choices come from kinds, roles (from the
watchlist), recency and size. The same functions pick the headline story, the note's
sections and the charts, so the charts always illustrate what the note says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..config import EQUITY_ROLES, Watchlist
from ..findings import Finding

__all__ = ["EQUITY_ROLES"]
# Role order when two instruments tie: the broad market first.
ROLE_ORDER = {r: i for i, r in enumerate(
    ("benchmark", "small_caps", "large_cap_growth", "large_cap_value", "bonds", "credit",
     "commodities", "gold", "rates", "volatility", "stock"))}
STATE_WEIGHT = {"retesting": 3.0, "broken": 2.5, "intact": 1.0}


def score(f: Finding) -> float:
    """The detector's score: ``Finding.score``, else a ``score`` or ``magnitude`` figure (a
    finding read back from JSON has no ``score`` attribute value)."""
    if f.score:
        return float(f.score)
    for k in ("score", "magnitude"):
        v = f.figures.get(k)
        if isinstance(v, int | float) and not isinstance(v, bool):
            return float(v)
    return 0.0


def by_kind(findings: Iterable[Finding], *kinds: str) -> list[Finding]:
    """Findings of the given kinds, in their input order."""
    return [f for f in findings if f.kind in kinds]


def of(findings: Iterable[Finding], symbol: str, *kinds: str) -> list[Finding]:
    """Findings about ``symbol`` of the given kinds."""
    return [f for f in findings if f.symbol == symbol and f.kind in kinds]


def is_index(symbol: str, wl: Watchlist) -> bool:
    """An index (or a watchlist stock), not an ETF that tracks one."""
    inst = wl.instruments.get(symbol)
    return inst is None or not inst.tracks


def twin(symbol: str, wl: Watchlist, present: Iterable[str]) -> str | None:
    """The index an ETF tracks, or the ETF tracking an index, when it is among ``present``."""
    present = set(present)
    inst = wl.instruments.get(symbol)
    if inst and inst.tracks and inst.tracks in present:
        return inst.tracks
    for s, i in wl.instruments.items():
        if i.tracks == symbol and s in present:
            return s
    return None


def role_rank(symbol: str, wl: Watchlist) -> int:
    return ROLE_ORDER.get(wl.role(symbol), len(ROLE_ORDER))


# ------------------------------------------------------------------ trend lines

BROKEN_LATELY_DAYS = 10     # a line broken this many calendar days ago is still news ...
BROKEN_LATELY_WEIGHT = 2.0  # ... and counts double among the note's lines


def broken_lately(f: Finding) -> bool:
    """Was the trend line broken within ``BROKEN_LATELY_DAYS`` of the finding's date (and not
    retaken)? A line that broke on a crash day is that day's line news."""
    brk = f.figures.get("break_date")
    if not brk or f.figures.get("state") != "broken":
        return False
    return 0 <= (dt.date.fromisoformat(f.date[:10]) - dt.date.fromisoformat(str(brk)[:10])).days \
        <= BROKEN_LATELY_DAYS


def trendline_weight(f: Finding, wl: Watchlist) -> float:
    """How much a trend line matters: its state, the instrument's role, its own score."""
    w = STATE_WEIGHT.get(str(f.figures.get("state")), 1.0)
    if broken_lately(f):
        w *= BROKEN_LATELY_WEIGHT
    if wl.role(f.symbol) == "benchmark":
        w *= 2.0
    elif wl.role(f.symbol) in EQUITY_ROLES:
        w *= 1.5
    if is_index(f.symbol, wl):
        w *= 1.2  # the chart of the index, not of its ETF
    if f.timeframe == "weekly":
        w *= 1.3  # the weekly line is the one a chartist publishes
    w *= 1.0 + min(float(f.figures.get("touches") or 0), 6.0) / 10.0
    return w * (1.0 + min(max(score(f), 0.0), 10.0) / 10.0)


def stands_in(symbol: str, wl: Watchlist, present: Iterable[str]) -> bool:
    """Would ``symbol`` stand in for its index (an ETF whose index is among ``present``)?
    The note then names the index, or nothing: an ETF's line is not the index's line."""
    inst = wl.instruments.get(symbol)
    return bool(inst and inst.tracks and inst.tracks in set(present))


def top_trendlines(findings: list[Finding], wl: Watchlist) -> list[Finding]:
    """Trend lines, most important first (at most one per symbol and direction); none of
    an ETF whose index is in the data (``stands_in``)."""
    seen: set[tuple[str, str]] = set()
    out = []
    present = {f.symbol for f in findings}
    lines = [f for f in by_kind(findings, "trendline") if not stands_in(f.symbol, wl, present)]
    for f in sorted(lines, key=lambda f: -trendline_weight(f, wl)):
        key = (f.symbol, str(f.figures.get("direction")))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


# ------------------------------------------------------------------ leadership

@dataclass(frozen=True)
class Leadership:
    """The leader among stock indices: who, over which windows, and the longest window's finding."""

    leader: str
    windows: tuple[int, ...]
    finding: Finding          # the leadership finding over the longest window it leads
    shortest: Finding         # ... and over the shortest


def index_rows(rows: list[dict], wl: Watchlist) -> list[dict]:
    """A leadership ranking's rows without the ETFs whose index is ranked too (the index
    speaks for both), in ranking order."""
    syms = [r["symbol"] for r in rows]
    return [r for r in rows if is_index(r["symbol"], wl) or twin(r["symbol"], wl, syms) is None]


def window_leader(f: Finding, wl: Watchlist) -> str:
    """Who led a leadership window among the rows the note prints (``index_rows``): the
    member that led, with its own number, not an index whose ETF led."""
    rows = index_rows(f.figures["ranking"], wl)
    return str(rows[0]["symbol"]) if rows else f.symbol


def leadership(findings: list[Finding], wl: Watchlist) -> Leadership | None:
    """The instrument that leads the most leadership windows (ties: the shorter windows win)."""
    lead = [f for f in by_kind(findings, "leadership") if f.figures.get("ranking")]
    if not lead:
        return None
    lead.sort(key=lambda f: int(f.figures["sessions"]))
    groups: dict[str, list[Finding]] = {}
    for f in lead:
        groups.setdefault(window_leader(f, wl), []).append(f)
    best = max(groups.items(), key=lambda kv: (len(kv[1]), -int(kv[1][0].figures["sessions"])))
    fs = best[1]
    return Leadership(best[0], tuple(int(f.figures["sessions"]) for f in fs), fs[-1], fs[0])


def pick_relative(findings: list[Finding], wl: Watchlist,
                  leader: str | None = None) -> list[Finding]:
    """relative_strength findings of the top pair (all its windows, shortest first).

    The top pair is the watchlist's first pair that involves the leader (or its twin) and an
    equity; otherwise the pair with the largest absolute gap over its longest window.
    """
    rs = by_kind(findings, "relative_strength")
    if not rs:
        return []
    pairs: dict[tuple[str, str], list[Finding]] = {}
    for f in rs:
        pairs.setdefault((f.symbol, f.other_symbol or ""), []).append(f)
    order = {p: i for i, p in enumerate(wl.pairs)}
    lead_set = {leader, twin(leader, wl, wl.instruments)} if leader else set()

    def key(item: tuple[tuple[str, str], list[Finding]]) -> tuple:
        (a, b), fs = item
        involves = bool(lead_set & {a, b})
        equity = wl.role(b) in EQUITY_ROLES and wl.role(a) in EQUITY_ROLES
        gap = max(abs(float(f.figures.get("pct_diff") or 0)) for f in fs)
        return (not (involves and equity), not involves, order.get((a, b), 999), -gap)

    best = sorted(pairs.items(), key=key)[0][1]
    return sorted(best, key=lambda f: int(f.figures.get("sessions") or 0))


# ------------------------------------------------------------------ helpers for sections

def latest(findings: Iterable[Finding]) -> Finding | None:
    fs = list(findings)
    return max(fs, key=lambda f: (f.known_at, f.date)) if fs else None


def change(findings: list[Finding], symbol: str, sessions: int | None = None,
           period: str | None = None) -> Finding | None:
    """The ``change`` finding of a symbol over a window (or the ``ytd`` period)."""
    for f in of(findings, symbol, "change"):
        if period is not None:
            if f.figures.get("period") == period:
                return f
        elif f.figures.get("period") in (None, "") and int(f.figures["sessions"]) == sessions:
            return f
    return None


def signature_move(findings: list[Finding], symbol: str) -> Finding | None:
    """The symbol's most telling recent move: the largest |pct| per sqrt(session), 2-21 sessions."""
    cands = [f for f in of(findings, symbol, "change")
             if f.figures.get("period") in (None, "") and 2 <= int(f.figures["sessions"]) <= 21]
    if not cands:
        return None
    return max(cands, key=lambda f: (abs(float(f.figures["pct"]))
                                     / float(f.figures["sessions"]) ** 0.5,
                                     -int(f.figures["sessions"])))


def nearest_zone(findings: list[Finding], symbol: str, role: str) -> Finding | None:
    zs = [f for f in of(findings, symbol, "zone") if f.figures.get("role") == role]
    return min(zs, key=lambda f: abs(float(f.figures["distance_pct"]))) if zs else None


def record(findings: list[Finding], symbol: str, asof: str, kinds: tuple[str, ...] =
           ("all_time_high",)) -> Finding | None:
    """A record set on the last bar (closing basis preferred)."""
    fs = [f for f in of(findings, symbol, *kinds) if f.date == asof]
    fs.sort(key=lambda f: (f.figures.get("basis") != "close", kinds.index(f.kind)))
    return fs[0] if fs else None


def big_day(findings: list[Finding], wl: Watchlist, threshold: float = 3.0,
            only: str | None = None) -> Finding | None:
    """The largest one-session move of a stock index beyond ``threshold`` percent."""
    fs = [f for f in by_kind(findings, "change")
          if f.figures.get("period") in (None, "") and int(f.figures["sessions"]) == 1
          and wl.role(f.symbol) in EQUITY_ROLES and f.symbol in wl
          and (only is None or f.symbol == only)
          and abs(float(f.figures["pct"])) >= threshold]
    return max(fs, key=lambda f: (is_index(f.symbol, wl), abs(float(f.figures["pct"]))),
               default=None)


def last_close(findings: list[Finding], symbol: str) -> float | None:
    """The symbol's last close, as carried by its ``change`` findings (None when absent)."""
    for f in of(findings, symbol, "change"):
        c = f.figures.get("close")
        if c is not None:
            return float(c)
    return None


def standing_break(findings: list[Finding], symbol: str, asof: str,
                   max_days: int = 10) -> Finding | None:
    """The most significant recent breakout/breakdown that the last close still confirms."""

    close = last_close(findings, symbol)
    out = []
    for f in of(findings, symbol, "breakout", "breakdown"):
        age = (dt.date.fromisoformat(asof) - dt.date.fromisoformat(f.known_at)).days
        lvl = f.figures.get("level")
        if age > max_days or lvl is None:
            continue
        if close is not None and (close <= lvl if f.kind == "breakout" else close >= lvl):
            continue  # price is back on the other side: the break failed
        out.append(f)
    return max(out, key=lambda f: (score(f), f.date), default=None)


def record_above(findings: list[Finding], target: Finding) -> Finding | None:
    """The all-time-high target of ``target``'s symbol when ``target`` is a lower prior high
    (so the note does not offer a lower high as the ceiling without saying the record is
    above it); None when ``target`` is the record or the record is not a target."""
    if "all_time" in str(target.figures.get("source", "")):
        return None
    return next((f for f in of(findings, target.symbol, "target")
                 if "all_time" in str(f.figures.get("source", ""))
                 and f.figures.get("direction") == "up" and f.figures.get("pct") is not None
                 and float(f.figures["pct"]) > float(target.figures["pct"])), None)


def best_target(findings: list[Finding], symbol: str) -> tuple[Finding | None, Finding | None]:
    """The upside target at a prior high (or the nearest one), and the nearer zone before it."""
    ups = sorted((f for f in of(findings, symbol, "target")
                  if f.figures.get("direction") == "up" and f.figures.get("pct") is not None
                  and float(f.figures["pct"]) > 0), key=lambda f: float(f.figures["pct"]))
    if not ups:
        return None, None
    highs = [f for f in ups if "zone" not in str(f.figures.get("source", ""))]
    main = highs[0] if highs else ups[0]
    first = next((f for f in ups if f is not main
                  and float(f.figures["pct"]) < float(main.figures["pct"])), None)
    return main, first


# ------------------------------------------------------------------ judgements the templates word
# Every threshold a sentence depends on is decided here, by name; the templates only word
# the answer (tests/story/test_template_rules.py fails on a number compared in a template).

WELL_OFF_HIGH_PCT = 10.0     # "well off its high": at least this far below the record
INCHES_PCT = 1.0             # "only inches away": resistance less than this far above
LASTING_LEAD_SESSIONS = 63   # a lead over a quarter of sessions "is not a matter of days"
CHANNEL_BOTTOM_PCT = 10.0    # the close in the lowest tenth of its channel is "at the bottom"
CORRECTION_PCT = 10.0        # a decline of 10% is a correction ...
BEAR_PCT = 20.0              # ... and of 20% a bear-market decline
LINE_NEAR_PCT = 5.0          # a trend line this close to the close is worth watching


def well_off_high(pct_from_high: float) -> bool:
    """Is a close ``pct_from_high`` percent from its record (negative below) "well off" it?"""
    return float(pct_from_high) <= -WELL_OFF_HIGH_PCT


def inches_away(distance_pct: float) -> bool:
    """Is a close ``distance_pct`` percent below resistance (negative) "only inches away"?"""
    return -INCHES_PCT < float(distance_pct) < 0


def lasting_lead(sessions: int) -> bool:
    """Does a lead over ``sessions`` sessions show it is "not a matter of days"?"""
    return int(sessions) >= LASTING_LEAD_SESSIONS


def vix_fearful(close: float) -> bool:
    """Is a VIX close of ``close`` a reading of fear (the big picture's VIX level)?"""
    from .bigpicture import VIX_LEVEL  # the one VIX threshold, kept with the big picture

    return float(close) >= VIX_LEVEL


def at_channel_bottom(position_pct: float | None) -> bool:
    """Is the close at the bottom of its channel (``position_pct`` 0 = lower line)?"""
    return position_pct is not None and float(position_pct) <= CHANNEL_BOTTOM_PCT


def decline_class(decline_pct: float) -> str:
    """``"bear"``, ``"correction"`` or ``"pullback"`` for a decline of ``decline_pct``
    percent (negative), by the standard 20% and 10% rules."""
    d = float(decline_pct)
    return "bear" if d <= -BEAR_PCT else ("correction" if d <= -CORRECTION_PCT else "pullback")


def warns_of_slope(decline_pct: float | None, steeper: bool) -> bool:
    """Is an analog's decline a reason to warn that a steeper rally may not keep its pace
    (at least a correction followed the past rally, and today's rally is steeper)?"""
    return bool(steeper) and decline_pct is not None and \
        decline_class(decline_pct) in ("bear", "correction")


def line_near(distance_pct: float | None) -> bool:
    """Is a trend line near enough to the close (or its distance unknown) to watch?"""
    return distance_pct is None or abs(float(distance_pct)) <= LINE_NEAR_PCT


def steeper(channels: list[Finding]) -> bool:
    """Is the latest of ``channels`` (oldest first) steeper than the first?"""
    return len(channels) > 1 and float(channels[-1].figures["slope_pct_per_year"]) > \
        float(channels[0].figures["slope_pct_per_year"])


def several(n: int | None) -> bool:
    """More than one (a count worth writing: "three record closes in a row")."""
    return n is not None and int(n) > 1


SHORT_CHANNEL_WEEKS = 52     # a channel shorter than a year is told over its own span


def short_channel(f: Finding) -> bool:
    """Is the channel ``f`` shorter than a year? Its slope is then told as its own gain
    over its own span ("up 43.0% in 19 weeks"), not annualised (a 43% run in 19 weeks is
    no "199% a year")."""
    g = f.figures
    if g.get("bars") is None or g.get("gain_pct") is None:
        return False            # no span to tell it over
    weeks = int(g["bars"]) if f.timeframe == "weekly" else int(g["bars"]) / 5.0
    return weeks < SHORT_CHANNEL_WEEKS


RETEST_NEAR_PCT = 2.0        # a broken line this close to the close is "being re-tested"


def at_the_line(distance_pct: float | None) -> bool:
    """Is the close near enough to a broken line to be "back at the line, testing it"
    (within ``RETEST_NEAR_PCT``)? Farther away it has pulled away from the line. Without
    a distance the detector's ``retesting`` state stands."""
    return distance_pct is None or abs(float(distance_pct)) <= RETEST_NEAR_PCT
