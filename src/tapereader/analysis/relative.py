"""Relative: one instrument against another, leadership in a group, and stocks against the rest.

"IWM is outpacing QQQ and SPY", "small caps lead", "stocks pulling away from bonds,
commodities and credit". Series are first aligned on the dates they share, so a window of N
sessions spans the same days for every symbol. Price comparisons (``relative_strength``,
``leadership``) use closes, as the chart shows them; ``cross_asset`` compares total returns
(``adj_close`` where the source has it at both ends, else ``close``), since bonds and credit
pay much of their return as income.

All findings are states of the last common bar (``date == known_at``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numba
import numpy as np

from ..findings import Finding
from .lib import pct, r6, total_return_pct
from .series import Series

WINDOWS = (9, 21, 63)
PERIODS = ("ytd", 21, 63)
RATIO_LOOKBACK = 252     # the ratio's high is taken over this many sessions (a year)...
RATIO_RECENT = 5         # ...and counts as new when made within the last this many sessions


@numba.njit(cache=True)
def _match(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indexes ``(ia, ib)`` of the days common to sorted unique ``a`` and ``b`` (one merge)."""
    ia = np.empty(min(len(a), len(b)), dtype=np.int64)
    ib = np.empty(len(ia), dtype=np.int64)
    i = j = k = 0
    while i < len(a) and j < len(b):
        if a[i] < b[j]:
            i += 1
        elif b[j] < a[i]:
            j += 1
        else:
            ia[k] = i
            ib[k] = j
            k += 1
            i += 1
            j += 1
    return ia[:k], ib[:k]


def _common(series: Mapping[str, Series], symbols: Iterable[str]) -> tuple[np.ndarray, dict]:
    """Dates shared by all ``symbols`` and, per symbol, the indexes of those dates."""
    syms = list(symbols)
    missing = [s for s in syms if s not in series]
    if missing:
        raise KeyError(f"relative: no series for {missing}")
    common = series[syms[0]].dates.astype("datetime64[D]").view(np.int64)
    idx = {syms[0]: np.arange(len(common))}
    for s in syms[1:]:
        other = series[s].dates.astype("datetime64[D]").view(np.int64)
        if len(other) == len(common) and np.array_equal(other, common):
            idx[s] = np.arange(len(common))
            continue
        ic, io = _match(common, other)
        common = common[ic]
        for prev in idx:
            idx[prev] = idx[prev][ic]
        idx[s] = io
    return common.view("datetime64[D]"), idx


def _aligned(series: Mapping[str, Series], syms: list[str]
             ) -> tuple[np.ndarray, dict, str, str] | None:
    """``_common`` dates, their indexes per symbol, the timeframe and the last shared date;
    None for fewer than two symbols or shared dates."""
    if len(syms) < 2:
        return None
    dates, ix = _common(series, syms)
    if len(dates) < 2:
        return None
    return dates, ix, series[syms[0]].timeframe, str(dates[-1])


def _unit(s: Series) -> str:
    return "session" if s.timeframe == "daily" else "week"


def find_relative(series: Mapping[str, Series], pairs: Iterable[tuple[str, str]],
                  windows: tuple[int, ...] = WINDOWS, lookback: int = RATIO_LOOKBACK,
                  recent: int = RATIO_RECENT) -> list[Finding]:
    """``relative_strength`` of ``a`` against ``b`` for each pair and each window.

    ``pct_diff`` = a's % change minus b's over the window (closes). ``ratio_new_high``: the
    a/b close ratio's highest value of the last ``lookback`` sessions (all shared history if
    shorter, see ``ratio_lookback``) was made within the last ``recent`` sessions.
    """
    out: list[Finding] = []
    for a, b in pairs:
        dates, ix = _common(series, (a, b))
        n = len(dates)
        if n < 2:
            continue
        sa, sb = series[a], series[b]
        ca, cb = sa.close[ix[a]], sb.close[ix[b]]
        ratio = ca / cb
        lb = min(lookback, n - 1)
        win = ratio[n - 1 - lb:]
        hi = int(np.nanargmax(win[::-1]))          # the latest bar at the high
        hi_i = n - 1 - hi
        new_high = bool(hi < recent)
        last = str(dates[-1])
        for w in windows:
            if w > n - 1:
                continue
            base = n - 1 - w
            pa, pb = pct(ca[-1], ca[base]), pct(cb[-1], cb[base])
            fig = {
                "sessions": w, "pct_diff": r6(pa - pb), "ratio_new_high": new_high,
                "a_pct": r6(pa), "b_pct": r6(pb), "start_date": str(dates[base]),
                "ratio": float(round(ratio[-1], 6)),
                "ratio_high": float(round(ratio[hi_i], 6)), "ratio_high_date": str(dates[hi_i]),
                "ratio_vs_high_pct": r6(pct(ratio[-1], ratio[hi_i])), "ratio_lookback": lb,
            }
            lead = "ahead of" if pa >= pb else "behind"
            summary = (f"{a} {pa:+.2f}% vs {b} {pb:+.2f}% over {w} {_unit(sa)}s: {a} "
                       f"{abs(pa - pb):.2f} points {lead} {b}"
                       + (f"; the {a}/{b} ratio is at a {lb}-{_unit(sa)} high."
                          if new_high else "."))
            out.append(Finding("relative_strength", a, sa.timeframe, last, last, fig, summary,
                               other_symbol=b, score=0.4 + 0.1 * new_high))
    return out


def find_leadership(series: Mapping[str, Series], symbols: Iterable[str],
                    windows: tuple[int, ...] = WINDOWS) -> list[Finding]:
    """``leadership`` per window: the symbols ranked by % change (closes), best first.

    The finding's ``symbol`` is the leader; ``ranking`` is ``[{symbol, pct}]``.
    """
    syms = list(dict.fromkeys(symbols))
    aligned = _aligned(series, syms)
    if aligned is None:
        return []
    dates, ix, tf, last = aligned
    n = len(dates)
    out: list[Finding] = []
    closes = {s: series[s].close[ix[s]] for s in syms}
    for w in windows:
        if w > n - 1:
            continue
        base = n - 1 - w
        moves = [(s, pct(c[-1], c[base])) for s, c in closes.items()]
        moves.sort(key=lambda sp: (-sp[1], sp[0]))
        ranking = [{"symbol": s, "pct": r6(p)} for s, p in moves]
        fig = {"sessions": w, "ranking": ranking, "start_date": str(dates[base]),
               "leader": moves[0][0], "laggard": moves[-1][0],
               "spread_pct": r6(moves[0][1] - moves[-1][1])}
        summary = (f"Over {w} {_unit(series[syms[0]])}s {moves[0][0]} leads ({moves[0][1]:+.2f}%): "
                   + ", ".join(f"{s} {p:+.2f}%" for s, p in moves) + ".")
        out.append(Finding("leadership", moves[0][0], tf, last, last, fig, summary, score=0.4))
    return out


def _total_return(s: Series, i0: int, i1: int) -> tuple[float, str]:
    tr = total_return_pct(s, i0, i1)
    if tr is not None:
        return tr, "adj_close"
    return pct(s.close[i1], s.close[i0]), "close"


def find_cross_asset(series: Mapping[str, Series], roles: Mapping[str, str],
                     periods: tuple[str | int, ...] = PERIODS) -> list[Finding]:
    """``cross_asset`` per period ("ytd" or a session count): total returns by role.

    The finding is about the group, so its ``symbol`` is ``"*"``; ``best``/``worst`` name the
    extremes, ``ranking`` lists ``[{symbol, role, pct}]`` best first and ``basis`` says which
    price each return used. YTD runs from the last shared close of the previous year.
    """
    syms = [s for s in roles if s in series]
    aligned = _aligned(series, syms)
    if aligned is None:
        return []
    dates, ix, tf, last = aligned
    n = len(dates)
    out: list[Finding] = []
    for period in periods:
        if period == "ytd":
            years = dates.astype("datetime64[Y]")
            prev = np.flatnonzero(years < years[-1])
            if len(prev) == 0:
                continue
            base = int(prev[-1])
            sessions = n - 1 - base
            span = "year to date"
        else:
            sessions = int(period)
            if sessions > n - 1 or sessions < 1:
                continue
            base = n - 1 - sessions
            span = f"over {sessions} {_unit(series[syms[0]])}s"
        rets, basis = {}, {}
        for s in syms:
            p, b = _total_return(series[s], int(ix[s][base]), int(ix[s][-1]))
            rets[s], basis[s] = r6(p), b
        order = sorted(syms, key=lambda s: (-rets[s], s))
        fig = {"period": period, "returns": rets, "roles": {s: roles[s] for s in syms},
               "sessions": sessions, "start_date": str(dates[base]), "basis": basis,
               "best": order[0], "worst": order[-1],
               "ranking": [{"symbol": s, "role": roles[s], "pct": rets[s]} for s in order]}
        summary = (f"Total return {span}: "
                   + ", ".join(f"{s} ({roles[s].replace('_', ' ')}) {rets[s]:+.2f}%"
                               for s in order) + ".")
        out.append(Finding("cross_asset", "*", tf, last, last, fig, summary, score=0.4))
    return out
