"""Trend lines: rising lines through swing lows, falling lines through swing highs.

How a chartist draws them, as rules:

- a candidate joins a major swing (scale >= the second scale of ``find_swings``) to a later
  swing of the same kind, rising for up lines (supports) and falling for down lines;
  log price by default;
- it is valid only if no close lies beyond it between its anchors (``valid_atr`` ATR of
  slack), it rises (falls) at least ``min_rise_atr`` ATR between its anchors and
  ``min_slope_atr_year`` ATR a year (a flatter line through two lows is a support level,
  which zones and levels report), and it is drawable from the bar that confirms its second
  anchor; a line with a close beyond it before that is not drawn;
- extended bar by bar: touches are bars whose low (up) / high (down) comes within
  ``touch_atr`` ATR of the line without closing beyond it (consecutive bars are one touch);
- *intact* means no close beyond it (``valid_atr`` ATR of slack) since its first anchor:
  the break date is the first close beyond it; the break is *confirmed* by a run of
  closes beyond it that has ``break_closes`` closes or one close ``break_atr`` ATR beyond
  it (``confirm_date``, when the break was known); between the two the line is
  *breached*; after the confirmed break, a bar whose high (up line) comes back within
  ``retest_atr`` ATR of the line without closing above it is re-testing it; a close
  ``break_atr`` ATR back above *retakes* the line, which is reported as retaken for
  ``RECENT`` bars and then ends its story;
- a broken line stays on the chart (broken, re-testing, retaken) while it is news; a new
  line that starts at or after its break (through the breakdown low) is ranked
  ``after_break_penalty`` lower, a separate finding naming the broken line;
- each reported line is also read on the other scale (log/linear); when its state differs
  there, figures ``other_scale`` and ``scale_differs`` say so and the summary names both;
- scored as of the last bar by touches, span, how major the first anchor is (how far price
  went from it), nearness of price and a recent break or re-test; lines sharing an anchor
  with near-equal slopes are one line; the best ``top`` per direction are reported.

Every quantity at bar ``k`` uses bars ``<= k`` and swings confirmed by ``k``: events are
chosen with the ranking as of their own bar, so a prefix run reproduces them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..findings import Finding
from . import _lines, lib
from .series import Series
from .swings import Swings, causal_atr, find_swings

_CAP = 32


@dataclass(frozen=True)
class LineParams:
    """Tolerances in ATR multiples, windows in bars (see the module docstring)."""

    valid_atr: float = 0.25
    touch_atr: float = 0.4
    break_atr: float = 0.5
    break_closes: int = 2
    retest_atr: float = 0.35
    away_atr: float = 1.0         # a re-test needs price this far beyond the line first
    pierce_atr: float = 0.5       # lows may cut this far through a line between its anchors
    keep_weeks: float = 26.0      # a broken line stays news this long after its break ...
    near_atr: float = 3.0         # ... once its break is not recent, only while price is
                                  # within this many weekly ATRs of it
    max_span_weeks: float | None = None  # first anchors at most this old (None: 2 years on
                                         # daily bars, 5 years on weekly bars)
    min_gap_weeks: float = 2.0    # anchors at least this far apart
    top: int = 3
    same_slope: float = 0.25      # lines this close in slope that share an anchor (or lie
                                  # within an ATR of each other) are one line
    same_line_atr: float = 0.5    # events on one bar whose lines are this close: one event
    min_rise_atr: float = 1.0     # a line rises at least this many ATRs between its anchors
    min_slope_atr_year: float = 2.0  # ... and this many ATRs a year, or it is a level
    after_break_penalty: float = 3.0  # score lost by a line starting after a reported break

    def span_bars(self, timeframe: str) -> int:
        weeks = self.max_span_weeks
        if weeks is None:
            weeks = 104.0 if timeframe == "daily" else 260.0
        return round(weeks * lib.sessions_per_week(timeframe))


@dataclass
class _Space:
    """One direction's prices mirrored into support space, plus its candidate lines."""

    direction: str
    timeframe: str
    lo: np.ndarray
    hi: np.ndarray
    cl: np.ndarray
    tol: np.ndarray
    aidx: np.ndarray
    aconf: np.ndarray
    p1: np.ndarray
    p2: np.ndarray
    conf2: np.ndarray
    y1: np.ndarray
    slope: np.ndarray
    scan: tuple
    params: LineParams
    # the per-line numbers as Python lists (read many times while writing the findings)
    p1_l: list = field(default_factory=list)
    y1_l: list = field(default_factory=list)
    slope_l: list = field(default_factory=list)
    brk_l: list = field(default_factory=list)
    bconf_l: list = field(default_factory=list)
    reclaim_l: list = field(default_factory=list)


def find_trendlines(s: Series, swings: Swings | None = None, *, scale: str = "log",
                    params: LineParams | None = None) -> list[Finding]:
    """Trend-line findings of ``s`` as of its last bar: states of the best lines, recent
    ``trendline_break`` and ``trendline_retest`` events."""
    if scale not in ("log", "linear"):
        raise ValueError(f"find_trendlines({s.symbol}): scale must be 'log' or 'linear', "
                         f"got {scale!r}")
    p = params or LineParams()
    n = len(s)
    sw = find_swings(s) if swings is None else swings.known_by(n - 1)
    if n < 10 or len(sw) < 3:
        return []
    spw = lib.sessions_per_week(s.timeframe)
    atr = causal_atr(s)
    recent = lib.RECENT[s.timeframe]
    keep = round(p.keep_weeks * spw)
    min_p1 = max(0, n - recent - p.span_bars(s.timeframe))
    major = np.unique(sw.scale)
    major_scale = major[1] if len(major) > 1 else major[0]
    out: list[Finding] = []
    f = np.log if scale == "log" else (lambda x: x)
    prices = (f(s.low), f(s.high), f(s.close))
    tol = atr / s.close if scale == "log" else atr
    for direction in ("up", "down"):
        sp = _space(s, sw, prices, tol, direction, major_scale, min_p1, p, keep)
        if sp is None:
            continue
        # events, each decided with the ranking as of its own bar
        _t, _n, brk, brk_conf, _r, rt_start, _e, _nr = sp.scan
        known = np.maximum(brk_conf, sp.conf2)
        bars = set(known[(brk_conf >= 0) & (known >= n - recent)].tolist())
        bars.update(rt_start[rt_start >= n - recent].tolist())
        ks = [n - 1, *sorted(bars)]
        ranked = _select_many(sp, ks, spw, p, recent)
        out += _states(s, sp, ranked[0], scale, spw, atr)
        known_l = known.tolist()
        brk_l = brk.tolist()
        bc_l = brk_conf.tolist()
        rt_l = rt_start.tolist()
        for k, chosen in zip(ks[1:], ranked[1:], strict=True):
            cands: list[tuple[str, int, float, str, float]] = []
            for j, sc in chosen:
                if bc_l[j] >= 0 and known_l[j] == k:
                    b = brk_l[j]
                    cands.append(("b", j, sc, s.iso(b), lib.r6(_line_at(sp, j, b, scale))))
                if k in rt_l[j]:
                    cands.append(("r", j, sc, s.iso(k), lib.r6(_line_at(sp, j, k, scale))))
            for kind, j, sc, _d, _v in _distinct(cands, float(atr[k]) * p.same_line_atr):
                if kind == "b":
                    out.append(_break_event(s, sp, j, k, sc, scale))
                else:
                    out.append(_retest_event(s, sp, j, k, sc, scale))
    return out


def _states(s: Series, sp: _Space, chosen: list[tuple[int, float]], scale: str, spw: float,
            atr: np.ndarray) -> list[Finding]:
    """State findings of the chosen lines; a line starting at or after the first close
    beyond a chosen broken line names it (``after_break_of``)."""
    k = len(s) - 1
    states = {j: _status(sp, j, k) for j, _ in chosen}
    broken = [j for j, _ in chosen if states[j] not in ("intact", "breached")]
    out = []
    others = _other_scales(s, sp, [j for j, _ in chosen], scale, atr) if chosen else []
    for (j, sc), other in zip(chosen, others, strict=True):
        after = None
        if states[j] in ("intact", "breached"):
            prior = [b for b in broken if sp.p1_l[j] >= sp.brk_l[b]]
            if prior:
                after = _name(s, sp, min(prior, key=lambda b: sp.brk_l[b]))
        out.append(_state_finding(s, sp, j, sc, scale, spw, other, after, states[j]))
    return out


def _distinct(events: list[tuple], tol: float) -> list[tuple]:
    """One event per line: events ``(kind, line, score, date, line_value)`` of one kind on
    one bar whose lines pass within ``tol`` (ATR units, in price) of each other are the
    same line drawn through other anchors, and only the best-ranked is kept (``_select``
    ranks them). The kept ones are returned in their original order."""
    kept: list[tuple] = []
    for e in sorted(events, key=lambda f: -f[2]):
        if not any(k[0] == e[0] and k[3] == e[3] and abs(k[4] - e[4]) <= tol for k in kept):
            kept.append(e)
    return [e for e in events if any(e is k for k in kept)]


def _space(s: Series, sw: Swings, prices: tuple, tol: np.ndarray, direction: str,
           major_scale: float, min_p1: int, p: LineParams, keep: int) -> _Space | None:
    """``prices`` are (low, high, close) on the line's scale; down lines mirror them."""
    up = direction == "up"
    fl, fh, fc = prices
    lo, hi, cl = (fl, fh, fc) if up else (-fh, -fl, -fc)
    # a line broken before it could be drawn was never a trend line; a line broken (or
    # reclaimed) before the reporting window can no longer be news: the kernel drops both
    horizon = len(s) - lib.RECENT[s.timeframe]
    r = _lines.space_lines(lo, hi, cl, tol, sw.idx, sw.kind, sw.confirm, sw.scale,
                           -1 if up else 1, major_scale, min_p1,
                           p.min_gap_weeks * lib.sessions_per_week(s.timeframe), p.touch_atr,
                           p.valid_atr, p.pierce_atr, p.break_atr, p.break_closes,
                           p.retest_atr, p.away_atr, keep, horizon, _CAP, p.min_rise_atr,
                           p.min_slope_atr_year / (52.0 * lib.sessions_per_week(s.timeframe)),
                           lib.RECENT[s.timeframe])
    if not r[0]:
        return None
    aidx, aconf, p1, p2, conf2, y1, slope = r[1:8]
    scan = r[8:]
    return _Space(direction, s.timeframe, lo, hi, cl, tol, aidx, aconf, p1, p2, conf2, y1,
                  slope, scan, p, p1.tolist(), y1.tolist(), slope.tolist(), scan[2].tolist(),
                  scan[3].tolist(), scan[4].tolist())


def _status(sp: _Space, j: int, k: int) -> str:
    """State of line ``j`` at bar ``k`` (``_status_of``, on the lists)."""
    b, bc = sp.brk_l[j], sp.bconf_l[j]
    if b < 0 or b > k:
        return "intact"
    if bc < 0 or bc > k:
        return "breached"
    if 0 <= sp.reclaim_l[j] <= k:
        return "retaken"
    return _status_of(sp.scan, j, k)


def _status_of(scan: tuple, j: int, k: int) -> str:
    """State at bar ``k`` of line ``j`` of a ``scan_lines`` result: intact, breached (a
    close beyond it, not confirmed), broken, retesting or retaken."""
    _touch, _nt, brk, brk_conf, reclaim, rt_start, rt_end, nrt = scan
    b, bc = int(brk[j]), int(brk_conf[j])
    if b < 0 or b > k:
        return "intact"
    if bc < 0 or bc > k:
        return "breached"
    if 0 <= int(reclaim[j]) <= k:
        return "retaken"
    r = min(int(nrt[j]), _CAP)
    if any(a <= k <= b for a, b in zip(rt_start[j, :r].tolist(), rt_end[j, :r].tolist(),
                                       strict=True)):
        return "retesting"
    return "broken"


def _select_many(sp: _Space, ks: list[int], spw: float, p: LineParams,
                 recent: int) -> list[list[tuple[int, float]]]:
    """The best lines of one direction as of each bar of ``ks``: [[(line index, score)]]."""
    touch, ntouch, brk, brk_conf, reclaim, rt_start, rt_end, nrt = sp.scan
    js, scores, counts = _lines.rank_many(
        np.asarray(ks, dtype=np.int64), sp.p1, sp.p2, sp.conf2, sp.y1, sp.slope, touch, ntouch,
        brk, brk_conf, reclaim, rt_start, rt_end, nrt, sp.hi, sp.cl, sp.tol, float(spw),
        round(p.keep_weeks * spw), p.span_bars(sp.timeframe), recent,
        p.near_atr * float(np.sqrt(spw)), p.top, p.same_slope, p.after_break_penalty)
    return [list(zip(j[:c], sc[:c], strict=True))
            for j, sc, c in zip(js.tolist(), scores.tolist(), counts.tolist(), strict=True)]


def _price(sp: _Space, y: float, scale: str) -> float:
    v = y if sp.direction == "up" else -y
    return float(np.exp(v)) if scale == "log" else float(v)


def _line_at(sp: _Space, j: int, i: int, scale: str) -> float:
    return _price(sp, sp.y1_l[j] + sp.slope_l[j] * (i - sp.p1_l[j]), scale)


def _anchors(sp: _Space, j: int, k: int, touch_atr: float) -> list[int]:
    """Swing points (confirmed by ``k``) the line rests on, from its first anchor to its break."""
    brk, brk_conf = sp.brk_l[j], sp.bconf_l[j]
    end = brk - 1 if 0 <= brk_conf <= k else k
    return _lines.anchors(sp.aidx, sp.aconf, sp.lo, sp.tol, sp.p1_l[j], sp.y1_l[j],
                          sp.slope_l[j], end, k, touch_atr).tolist()


def _max_from(hi: np.ndarray, i: int, k: int) -> float:
    """``max(hi[i..k])`` skipping NaN (what ``_lines.running_max_back(hi, k)[i]`` gives)."""
    m = float(hi[i:k + 1].max())
    if m != m:  # a NaN: the compiled form skips it
        m = float(_lines.running_max_back(hi, k)[i])
    return m


def _slope_pct_week(sp: _Space, j: int, scale: str, spw: float, k: int) -> float:
    b = sp.slope_l[j] * (1.0 if sp.direction == "up" else -1.0)
    if scale == "log":
        return lib.r6((np.exp(b * spw) - 1.0) * 100.0)
    return lib.r6(b * spw / _line_at(sp, j, k, scale) * 100.0)


def _name(s: Series, sp: _Space, j: int) -> str:
    kind = "uptrend line from the" if sp.direction == "up" else "downtrend line from the"
    point = "low" if sp.direction == "up" else "high"
    return f"{kind} {lib.month_year(s.iso(sp.p1_l[j]))} {point}"


def _isos(s: Series, idx: list[int]) -> list[str]:
    """``[s.iso(i) for i in idx]``, in one conversion for long lists (``datetime_as_string``
    has a fixed cost however short the list; see docs/status.md, engine speed)."""
    if len(idx) < 20:
        return [s.iso(i) for i in idx]
    return np.datetime_as_string(s.dates[idx]).tolist()


def _when(s: Series, i: int) -> str:
    return f"week of {s.iso(i)}" if s.timeframe == "weekly" else s.iso(i)


def _state_finding(s: Series, sp: _Space, j: int, score: float, scale: str,
                   spw: float, other: dict | None = None,
                   after_break_of: str | None = None, state: str | None = None) -> Finding:
    k = len(s) - 1
    state = _status(sp, j, k) if state is None else state
    touch, _nt, _b, _bc, _rc, rt_start, _re, nrt = sp.scan
    broken = state not in ("intact", "breached")
    b, bc = sp.brk_l[j], sp.bconf_l[j]
    last = b - 1 if broken else k
    touches = [i for i in touch[j].tolist() if 0 <= i <= last]
    anchors = _anchors(sp, j, k, sp.params.touch_atr)
    close = float(s.close[k])
    y1 = sp.y1_l[j]
    runmax = _max_from(sp.hi, sp.p1_l[j], k) - y1
    if scale == "log":  # every exp of the finding in one call (the same values one by one)
        up = sp.direction == "up"
        p1, sl = sp.p1_l[j], sp.slope_l[j]
        yk = y1 + sl * (k - p1)
        yb = y1 + sl * (b - p1)
        ex = np.exp(np.array([yk if up else -yk, runmax, sl * (1.0 if up else -1.0) * spw,
                              yb if up else -yb,
                              *[sp.lo[i] if up else -sp.lo[i] for i in anchors]])).tolist()
        value, fwd = ex[0], (ex[1] - 1.0) * 100
        slope_w = lib.r6((ex[2] - 1.0) * 100.0)
        at_break = ex[3]
        anchor_prices = [lib.r6(x) for x in ex[4:]]
    else:
        value = _line_at(sp, j, k, scale)
        fwd = runmax / abs(y1) * 100
        slope_w = _slope_pct_week(sp, j, scale, spw, k)
        at_break = _line_at(sp, j, b, scale)
        anchor_prices = [lib.r6(_price(sp, sp.lo[i], scale)) for i in anchors]
    dist = lib.pct(close, value)
    rv, rc, rd = lib.r2(value), lib.r2(close), lib.r2(dist)
    figures = {
        "direction": sp.direction, "scale": scale,
        "anchors": _isos(s, anchors),
        "touches": len(touches),
        "slope_pct_per_week": slope_w,
        "value_at_asof": lib.r6(value), "state": state,
        "break_date": s.iso(b) if state != "intact" else None,
        "confirm_date": s.iso(bc) if broken else None,
        "score": lib.r6(score),
        "anchor_prices": anchor_prices,
        "touch_dates": _isos(s, touches),
        "first_anchor_move_pct": lib.r6(fwd),
        "distance_pct": lib.r6(dist),
        "drawable_from": s.iso(int(sp.conf2[j])),
        "after_break_of": after_break_of,
    }
    if other is not None:
        figures["other_scale"] = other
        figures["scale_differs"] = other["state"] != state
    name = _name(s, sp, j)
    if broken:
        figures["line_value_at_break"] = lib.r6(at_break)
        rs = rt_start[j, :min(nrt[j], _CAP)]
        starts = rs[(rs >= 0) & (rs <= k)].tolist()
        figures["last_retest_date"] = s.iso(starts[-1]) if starts else None
        rk = sp.reclaim_l[j]
        figures["retaken_date"] = s.iso(rk) if 0 <= rk <= k else None
    side = "above" if dist >= 0 else "below"
    right_side = (dist >= 0) == (sp.direction == "up")
    if state == "intact" and right_side:
        summary = (f"{s.symbol}'s {name} holds: the line is at {rv} and the close "
                   f"{rc} is {abs(rd)}% {side} it ({len(touches)} touches).")
    elif state == "intact":
        summary = (f"{s.symbol} is testing the {name}: the close {rc} is "
                   f"{abs(rd)}% {side} the line at {rv}, within its "
                   f"tolerance.")
    elif state == "breached":
        summary = (f"{s.symbol} closed {'below' if sp.direction == 'up' else 'above'} the "
                   f"{name} on {s.iso(b)}, not yet a confirmed break: the line is at "
                   f"{rv}, the close {rc} is {abs(rd)}% {side} "
                   f"it.")
    elif state == "retesting":
        under = "from below" if sp.direction == "up" else "from above"
        summary = (f"{s.symbol} broke the {name} ({_when(s, b)}) and is re-testing it "
                   f"{under}: line {rv}, close {rc} "
                   f"({rd:+.2f}%).")
    elif state == "retaken":
        summary = (f"{s.symbol} broke the {name} ({_when(s, b)}) and retook it "
                   f"({_when(s, sp.reclaim_l[j])}): the line is at {rv}, the "
                   f"close {rc} is {abs(rd)}% {side} it.")
    else:
        summary = (f"{s.symbol} broke the {name} ({_when(s, b)}); the line is at "
                   f"{rv}, the close {rc} is {abs(rd)}% "
                   f"{side} it.")
    if after_break_of is not None:
        summary = summary[:-1] + f" (a new line, drawn after the break of the {after_break_of})."
    if other is not None and other["state"] != state:
        summary += (f" That is on a {scale} scale; on a {other['scale']} scale the same line is "
                    f"{other['state']} (at {other['value_at_asof']:.2f}).")
    return Finding(kind="trendline", symbol=s.symbol, timeframe=s.timeframe, date=s.iso(k),
                   known_at=s.iso(k), figures=figures, summary=summary, score=score)


_STATES = {-1: "invalid", 0: "intact", 1: "broken", 2: "retesting", 3: "retaken", 4: "breached"}


def _other_scales(s: Series, sp: _Space, js: list[int], scale: str,
                  atr: np.ndarray) -> list[dict]:
    """The lines ``js`` (by their two defining anchors) read on the other scale, in one
    kernel call: state, break and value there (``state`` ``"invalid"`` when a close lies
    beyond the line between its anchors on that scale)."""
    p = sp.params
    other = "linear" if scale == "log" else "log"
    up = sp.direction == "up"
    if other == "log":
        lo, hi, cl = np.log(s.low), np.log(s.high), np.log(s.close)
        tol = atr / s.close
    else:
        lo, hi, cl = s.low, s.high, s.close
        tol = atr
    if not up:
        lo, hi, cl = -hi, -lo, -cl
    state, brk, value = _lines.states_at(
        lo, hi, cl, tol, sp.p1[js], sp.p2[js], len(s) - 1, p.touch_atr, p.valid_atr,
        p.break_atr, p.break_closes, p.retest_atr, p.away_atr,
        round(p.keep_weeks * lib.sessions_per_week(s.timeframe)), _CAP)
    v = value if up else -value
    v = np.exp(v) if other == "log" else v
    out = []
    for st, b, val in zip(state.tolist(), brk.tolist(), v.tolist(), strict=True):
        name = _STATES[st]
        out.append({"scale": other, "state": name,
                    "break_date": s.iso(b) if name not in ("intact", "invalid") else None,
                    "value_at_asof": lib.r6(val)})
    return out


def _break_event(s: Series, sp: _Space, j: int, k: int, score: float, scale: str) -> Finding:
    b = sp.brk_l[j]
    anchors = _anchors(sp, j, k, sp.params.touch_atr)
    value = _line_at(sp, j, b, scale)
    close = float(s.close[b])
    figures = {
        "direction": sp.direction, "scale": scale, "anchors": _isos(s, anchors),
        "line_value": lib.r6(value), "close": lib.r6(close),
        "distance_pct": lib.r6(lib.pct(close, value)),
        "confirm_close": lib.r6(float(s.close[k])),
        "confirm_date": s.iso(sp.bconf_l[j]),
    }
    summary = (f"{s.symbol} broke the {_name(s, sp, j)} ({_when(s, b)}): close "
               f"{lib.r2(close)} against the line at {lib.r2(value)}.")
    return Finding(kind="trendline_break", symbol=s.symbol, timeframe=s.timeframe,
                   date=s.iso(b), known_at=s.iso(k), figures=figures, summary=summary,
                   score=score)


def _retest_event(s: Series, sp: _Space, j: int, k: int, score: float, scale: str) -> Finding:
    anchors = _anchors(sp, j, k, sp.params.touch_atr)
    value = _line_at(sp, j, k, scale)
    close = float(s.close[k])
    dist = lib.pct(close, value)
    figures = {
        "direction": sp.direction, "scale": scale, "anchors": _isos(s, anchors),
        "line_value": lib.r6(value), "close": lib.r6(close), "distance_pct": lib.r6(dist),
        "break_date": s.iso(sp.brk_l[j]),
    }
    side = "underside" if sp.direction == "up" else "topside"
    summary = (f"{s.symbol} is re-testing the {side} of the broken {_name(s, sp, j)}: line "
               f"{lib.r2(value)}, close {lib.r2(close)} ({lib.r2(dist):+.2f}%).")
    return Finding(kind="trendline_retest", symbol=s.symbol, timeframe=s.timeframe,
                   date=s.iso(k), known_at=s.iso(k), figures=figures, summary=summary,
                   score=score)
