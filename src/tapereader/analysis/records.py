"""Records: all-time and 52-week highs and lows, distance from the high, swing structure.

"All-time" means within the data available up to the last bar: a record is a record of the
series as loaded, which starts at figures ``first_date`` (say so when the history is short).
Records are judged on two bases, the close (the chartist's "closing high") and the intraday
extreme (high for highs, low for lows).
"""

from __future__ import annotations

import numba
import numpy as np

from ..data.bars import BARS_PER_YEAR
from ..findings import Finding
from .lib import RECENT, all_finite, is_recent, pct, r6
from .series import Series
from .swings import Swings

WEEKS_52 = BARS_PER_YEAR  # the 52-week window: a year of bars
STRUCTURE_MIN_SCALE = 3.0     # swings of at least 3 ATR make the structure


def find_records(s: Series, swings: Swings | None = None) -> list[Finding]:
    """Recent record highs/lows (events), distance from the all-time high and structure (states).

    For each kind and basis only the latest recent record is reported (a run of records on
    consecutive bars is one story: the last of them). Its ``previous_value``/``previous_date``
    is the record that stood before the run began, i.e. the level the run broke through;
    ``run_sessions`` counts the bars in the run. A 52-week record that is also an all-time
    record is reported only as the all-time one.
    """
    n = len(s)
    if n < 2:
        return []
    out: list[Finding] = []
    for side, bases in ((1, (("close", s.close), ("high", s.high))),
                        (-1, (("close", s.close), ("low", s.low)))):
        for basis, x in bases:
            out += _records(s, x, basis, side)
    out += _distance(s)
    out += _structure(s, swings)
    if s.timeframe == "daily":
        out += day_move(s)
        out += market_state(s)
    return out


def _run_start(rec: np.ndarray, k: int) -> int:
    """First bar of the run of consecutive record bars ending at ``k``."""
    j = k
    while j > 0 and rec[j - 1]:
        j -= 1
    return j


def _records(s: Series, x: np.ndarray, basis: str, side: int) -> list[Finding]:
    """The latest recent all-time and 52-week record of ``x`` (highs for ``side`` 1, lows
    for -1). Compiled for finite prices; NaN goes the general way."""
    n = len(x)
    start = max(1, n - RECENT[s.timeframe])
    w = WEEKS_52[s.timeframe]
    r = _record_bars(x, float(side), start, w)
    if r[0] < 0:
        return _records_general(s, x, basis, side)
    _ok, k_ath, j_ath, p_ath, k, j, p = r
    out: list[Finding] = []
    if k_ath >= 0 and is_recent(s, k_ath):
        kind = "all_time_high" if side > 0 else "all_time_low"
        out.append(_finding(s, kind, basis, x, k_ath, p_ath, k_ath - j_ath + 1))
    if k >= 0 and is_recent(s, k):
        kind = "new_high_52w" if side > 0 else "new_low_52w"
        out.append(_finding(s, kind, basis, x, k, p, k - j + 1))
    return out


@numba.njit(cache=True)
def _record_bars(x, side, start, w):  # pragma: no cover - compiled
    """(ok, k_ath, j_ath, p_ath, k52, j52, p52) of ``y = x * side``: the last all-time
    record at or after ``start``, the first bar of its run and the bar of the record it
    broke; the same for the last 52-week (``w`` bars) record there that is not all-time
    (-1 when none). ``ok`` is -1 when ``y`` has NaN (the caller goes the general way)."""
    n = len(x)
    y = np.empty(n)
    for i in range(n):
        y[i] = x[i] * side
        if y[i] != y[i]:
            return -1, -1, -1, -1, -1, -1, -1
    # ath[i]: y[i] beats every earlier bar
    ath = np.zeros(n, dtype=np.bool_)
    pmax = np.empty(n)            # pmax[i] = max(y[:i + 1])
    m = y[0]
    pmax[0] = m
    for i in range(1, n):
        if y[i] > m:
            ath[i] = True
            m = y[i]
        pmax[i] = m
    k_ath = -1
    j_ath = -1
    p_ath = -1
    for i in range(n - 1, start - 1, -1):
        if ath[i]:
            k_ath = i
            break
    if k_ath >= 0:
        j = k_ath
        while j > 0 and ath[j - 1]:
            j -= 1
        j_ath = j
        top = pmax[j - 1]
        for q in range(j - 1, -1, -1):
            if y[q] == top:
                p_ath = q
                break
    lo = max(start, w)
    k52 = -1
    for i in range(n - 1, lo - 1, -1):
        if _beats(y, i, w):
            k52 = i
            break
    j52 = -1
    p52 = -1
    if k52 >= 0 and ath[k52]:
        k52 = -1
    if k52 >= 0:
        j = k52
        while j - 1 >= w and _beats(y, j - 1, w):
            j -= 1
        j52 = j
        top = y[j - w]
        p52 = j - w
        for q in range(j - w + 1, j):
            if y[q] >= top:
                top = y[q]
                p52 = q
    return 0, k_ath, j_ath, p_ath, k52, j52, p52


@numba.njit(cache=True)
def _beats(y, i, w):  # pragma: no cover - compiled
    """``y[i]`` is above every bar of ``y[i - w:i]``."""
    q = i - w
    while q < i and y[q] < y[i]:
        q += 1
    return q == i


def _records_general(s: Series, x: np.ndarray, basis: str, side: int) -> list[Finding]:
    n = len(x)
    y = x * side                      # highs as-is, lows negated: a record is always a new max
    start = max(1, n - RECENT[s.timeframe])
    prev_max = np.maximum.accumulate(y)[:-1]          # prev_max[i-1] = max(y[:i])
    ath = np.zeros(n, dtype=bool)
    ath[1:] = y[1:] > prev_max
    out: list[Finding] = []
    hits = np.flatnonzero(ath[start:])
    k_ath = start + int(hits[-1]) if len(hits) else -1
    if k_ath >= 0 and is_recent(s, k_ath):
        j = _run_start(ath, k_ath)
        p = int(np.flatnonzero(y[:j] == y[:j].max())[-1])
        kind = "all_time_high" if side > 0 else "all_time_low"
        out.append(_finding(s, kind, basis, x, k_ath, p, k_ath - j + 1))

    w = WEEKS_52[s.timeframe]

    def rec52(i: int) -> bool:
        """Bar ``i`` beats every bar of the previous ``w`` bars (needs a full year before it)."""
        return i >= w and bool(y[i] > y[i - w:i].max())

    lo = max(start, w)
    k = -1
    if lo < n:
        prior = np.lib.stride_tricks.sliding_window_view(y[lo - w:n - 1], w).max(axis=1)
        hits = np.flatnonzero(y[lo:] > prior)
        k = lo + int(hits[-1]) if len(hits) else -1
    if k >= 0 and not ath[k] and is_recent(s, k):
        j = k
        while rec52(j - 1):
            j -= 1
        p = j - w + int(np.flatnonzero(y[j - w:j] == y[j - w:j].max())[-1])
        kind = "new_high_52w" if side > 0 else "new_low_52w"
        out.append(_finding(s, kind, basis, x, k, p, k - j + 1))
    return out


def _finding(s: Series, kind: str, basis: str, x: np.ndarray, k: int, p: int,
             run: int) -> Finding:
    """A record at bar ``k``; ``p`` is the bar of the record the run broke.

    Figures: ``previous_value``/``previous_date`` the record that stood before the run began;
    ``day_before_value``/``day_before_date`` the record that stood the day before (what the
    note compares with); ``since_date`` the last earlier bar at least as extreme (None for
    an all-time record of the data); ``first_date`` the data's first bar; ``round_number`` a
    round level an all-time closing high is the first close past (None otherwise).
    """
    side = 1.0 if "high" in kind else -1.0
    y = x[:k] * side
    window_start = 0 if kind.startswith("all_time") else max(0, k - WEEKS_52[s.timeframe])
    win = y[window_start:]
    q = window_start + int(np.flatnonzero(win == np.nanmax(win))[-1])
    beyond = np.flatnonzero(y >= x[k] * side)
    since = s.iso(int(beyond[-1])) if len(beyond) else None
    fig = {
        "basis": basis, "value": r6(x[k]), "previous_value": r6(x[p]),
        "previous_date": s.iso(p), "run_sessions": run, "first_date": s.iso(0),
        "pct_beyond_previous": r6(pct(x[k], x[p])),
        "day_before_value": r6(x[q]), "day_before_date": s.iso(q),
        "since_date": since,
        "round_number": _round_first(x, k) if kind == "all_time_high" else None,
    }
    label = {"all_time_high": "all-time", "all_time_low": "all-time",
             "new_high_52w": "52-week", "new_low_52w": "52-week"}[kind]
    word = "high" if "high" in kind else "low"
    what = f"closing {word}" if basis == "close" else f"intraday {word}"
    since_txt = f" (data since {s.iso(0)})" if label == "all-time" else ""
    summary = (f"{s.symbol}: {label} {what} of {x[k]:.2f} on {s.iso(k)}{since_txt}, "
               f"past the {x[p]:.2f} of {s.iso(p)}.")
    return Finding(kind, s.symbol, s.timeframe, s.iso(k), s.iso(k), fig, summary)


def round_step(v: float) -> float:
    """The round numbers a chartist marks at this price: 100s under 1,000, then 1,000s."""
    if v < 10:
        return 1.0
    if v < 10_000:
        return float(10 ** int(np.floor(np.log10(v))))
    return 1000.0


def _round_first(x: np.ndarray, k: int) -> float | None:
    """The round level that ``x[k]`` is the first value in the data to close above."""
    if k < 1 or not np.isfinite(x[k]) or x[k] <= 0:
        return None
    step = round_step(float(x[k]))
    level = np.floor(x[k] / step) * step
    return float(level) if level > np.nanmax(x[:k]) and level > 0 else None


def _distance(s: Series) -> list[Finding]:
    """Close vs the all-time closing high and vs the all-time intraday high."""
    out = []
    for basis, x in (("close", s.close), ("high", s.high)):
        h = _last_max(s, basis)
        p = r6(pct(s.close[-1], x[h]))
        fig = {"basis": basis, "high": r6(x[h]), "high_date": s.iso(h), "pct": p,
               "close": r6(s.close[-1]), "first_date": s.iso(0)}
        what = "closing high" if basis == "close" else "intraday high"
        if h == len(s) - 1 and basis == "close":
            summary = f"{s.symbol}: at its all-time {what} of {x[h]:.2f} (data since {s.iso(0)})."
        else:
            summary = (f"{s.symbol}: {abs(p):.2f}% {'under' if p <= 0 else 'over'} its all-time "
                       f"{what} of {x[h]:.2f} on {s.iso(h)} (data since {s.iso(0)}).")
        out.append(Finding("distance_from_high", s.symbol, s.timeframe, s.iso(-1), s.iso(-1),
                           fig, summary))
    return out


def _last_max(s: Series, name: str) -> int:
    """The last bar of the highest value of column ``name`` (NaN: as ``x == x.max()``)."""
    x = getattr(s, name)
    if all_finite(s, name):
        return len(x) - 1 - int(np.argmax(x[::-1]))
    return int(np.flatnonzero(x == x.max())[-1])


def _structure(s: Series, swings: Swings | None) -> list[Finding]:
    """Higher highs and higher lows (or lower) from the last two swing highs and lows."""
    if swings is None:
        try:
            from .swings import find_swings
            swings = find_swings(s)
        except (ImportError, NotImplementedError):
            return []
    return structure_from_swings(s, swings)


def structure_from_swings(s: Series, swings: Swings,
                          min_scale: float = STRUCTURE_MIN_SCALE) -> list[Finding]:
    """The ``structure`` state from the last two confirmed swing highs and lows.

    Only swings of at least ``min_scale`` (ATR multiples, see ``swings.py``) count, so that
    the pattern is the one visible on the chart rather than day-to-day noise. Figures
    ``close_above_last_high`` / ``close_below_last_low`` say whether the last close has
    already gone past the latest swing (a pattern change not yet confirmed by a new swing).
    """
    last = len(s) - 1
    ok = (swings.confirm <= last) & (swings.scale >= min_scale)
    idx, kind, price = swings.idx[ok], swings.kind[ok], swings.price[ok]
    hi, lo = np.flatnonzero(kind > 0), np.flatnonzero(kind < 0)
    if len(hi) < 2 or len(lo) < 2:
        return []
    h1, h2 = hi[-2], hi[-1]
    l1, l2 = lo[-2], lo[-1]
    hh, hl = price[h2] > price[h1], price[l2] > price[l1]
    lh, ll = price[h2] < price[h1], price[l2] < price[l1]
    if hh and hl:
        pattern, words = "higher_highs_higher_lows", "higher highs and higher lows"
    elif lh and ll:
        pattern, words = "lower_highs_lower_lows", "lower highs and lower lows"
    else:
        pattern = "mixed"
        words = (f"{'higher' if hh else 'lower' if lh else 'equal'} high, "
                 f"{'higher' if hl else 'lower' if ll else 'equal'} low")
    order = sorted((int(idx[i]), i) for i in (h1, h2, l1, l2))
    fig = {
        "pattern": pattern,
        "swing_dates": [s.iso(b) for b, _ in order],
        "highs": [{"date": s.iso(int(idx[i])), "price": r6(price[i])} for i in (h1, h2)],
        "lows": [{"date": s.iso(int(idx[i])), "price": r6(price[i])} for i in (l1, l2)],
        "close_above_last_high": bool(s.close[-1] > price[h2]),
        "close_below_last_low": bool(s.close[-1] < price[l2]),
    }
    summary = (f"{s.symbol}: {words} (highs {price[h1]:.2f} then {price[h2]:.2f}, "
               f"lows {price[l1]:.2f} then {price[l2]:.2f}).")
    return [Finding("structure", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), fig, summary)]


# ------------------------------------------------------------------ the day and the market

CORRECTION_PCT = 10.0   # a close this far under the bull market's high: a correction
BEAR_PCT = 20.0         # ... this far: a bear market, until a rally of RALLY_PCT off its low
RALLY_PCT = 20.0


def day_move(s: Series) -> list[Finding]:
    """The last session's change and its rank among every session of the data.

    Figures: ``pct`` (full precision), ``direction``, ``since_date`` (the last earlier
    session with a move at least as large in the same direction; None when it is the
    largest of the data), ``rank`` (1 = the largest such move of the data), ``sessions``
    (number of daily changes ranked), ``pct_rank_abs`` (share of sessions with an absolute
    move at least as large, in percent), ``first_date``.
    """
    x = s.close
    n = len(x)
    if n < 3 or not (np.isfinite(x[-1]) and np.isfinite(x[-2])) or x[-2] == 0:
        return []
    last, hit, beyond, at_least = _day_rank(x)
    down = last < 0
    since = s.iso(hit + 1) if hit >= 0 else None
    rank = 1 + beyond
    share = 100.0 * at_least / (n - 1)
    fig = {"pct": r6(last), "direction": "down" if down else "up", "since_date": since,
           "rank": rank, "sessions": n - 1, "pct_rank_abs": r6(share),
           "close": r6(x[-1]), "previous_close": r6(x[-2]), "first_date": s.iso(0)}
    word = "drop" if down else "gain"
    since_txt = f"since {since}" if since else f"in the data (since {s.iso(0)})"
    summary = (f"{s.symbol}: {last:+.2f}% on {s.iso(-1)}, the largest {word} {since_txt} "
               f"(rank {rank} of {n - 1}).")
    return [Finding("day_move", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), fig, summary)]


@numba.njit(cache=True, error_model="numpy")
def _day_rank(x):  # pragma: no cover - compiled
    """The last change of ``x`` in percent, ``(x[i + 1] / x[i] - 1) * 100``, against the
    earlier ones: (last, the last earlier change at least as large in its direction or -1,
    how many are larger, how many of all changes are at least as large in size)."""
    n = len(x)
    last = (x[n - 1] / x[n - 2] - 1.0) * 100.0
    down = last < 0
    size = abs(last)
    hit = -1
    beyond = 0
    at_least = 1 if size >= size else 0
    for i in range(n - 2):
        r = (x[i + 1] / x[i] - 1.0) * 100.0
        if (r <= last) if down else (r >= last):
            hit = i
        if (r < last) if down else (r > last):
            beyond += 1
        if abs(r) >= size:
            at_least += 1
    return last, hit, beyond, at_least


@numba.njit(cache=True)
def _regimes(x, bear, rally):  # pragma: no cover - compiled
    """Walk the closes: (in_bear, peak_i, trough_i, bear_start_i, bull_start_i,
    prev_bear_start_i) at the last bar. A bear market starts at the first close ``bear``
    (a fraction) under the peak and ends at the first close ``rally`` over its trough; the
    new bull market's peak is then tracked from that trough. The bear market's low must
    hold: a close under it (before the index regains the high the bear market fell from)
    resumes that bear market, from its own peak and start (the rally was a bear-market
    rally, as in 2002 and 2009), instead of starting a new one from the rally's high."""
    n = len(x)
    in_bear = False
    peak_i = 0
    trough_i = 0
    bear_start = -1
    prev_bear = -1
    bull_start = -1
    end_low = -1        # the last bear market a rally ended: its low, peak, start ...
    end_peak = -1
    end_start = -1
    end_prev = -1       # ... and what preceded it
    end_bull = -1
    for i in range(1, n):
        v = x[i]
        if v != v:
            continue
        if end_low >= 0 and v < x[end_low]:
            in_bear = True          # the low did not hold: the same bear market goes on
            peak_i, bear_start, prev_bear, bull_start = end_peak, end_start, end_prev, end_bull
            trough_i = i
            end_low = -1
            continue
        if end_low >= 0 and v >= x[end_peak]:
            end_low = -1            # back at the old high: that bear market is history
        if in_bear:
            if v < x[trough_i]:
                trough_i = i
            elif v >= x[trough_i] * (1.0 + rally):
                in_bear = False
                end_low, end_peak, end_start = trough_i, peak_i, bear_start
                end_prev, end_bull = prev_bear, bull_start
                bull_start = trough_i
                peak_i = i
                for q in range(trough_i, i + 1):
                    if x[q] >= x[peak_i]:
                        peak_i = q
        else:
            if v >= x[peak_i]:
                peak_i = i
            elif v <= x[peak_i] * (1.0 - bear):
                in_bear = True
                prev_bear = bear_start
                bear_start = i
                trough_i = i
    return in_bear, peak_i, trough_i, bear_start, bull_start, prev_bear


def market_state(s: Series) -> list[Finding]:
    """The market's state in standard terms at the last close.

    ``state``: ``bear`` (a close 20% under the bull market's high started it and no 20%
    rally off its low has ended it), ``correction`` (10-20% under the high), else ``bull``.
    Figures: the bull market's ``high``/``high_date`` (for a bear, the peak it fell from),
    ``pct_from_high``; ``record``/``record_date``/``pct_from_record`` (the data's highest
    close); ``state_since`` (first close of the state: the 10%/20% crossing);
    ``sessions_in_state``; the state's ``low``/``low_date`` and ``pct_off_low``;
    ``bull_start``/``bull_start_close``/``pct_from_bull_start`` (the bear-market low the
    current bull market rose from, None when the data has none); ``previous_bear_start``;
    ``first_date``. Full precision.
    """
    x = s.close
    n = len(x)
    if n < 2 or not np.isfinite(x[-1]):
        return []
    in_bear, peak_i, trough_i, bear_i, bull_i, prev_bear_i = _regimes(
        x, BEAR_PCT / 100.0, RALLY_PCT / 100.0)
    last = n - 1
    finite = all_finite(s, "close")  # then argmin is nanargmin, and the last max is nanmax's
    rec_i = _last_max(s, "close") if finite else int(
        np.flatnonzero(x[: last + 1] == np.nanmax(x))[-1])
    from_high = pct(x[-1], x[peak_i])
    if in_bear:
        state, start = "bear", bear_i
        low_i = trough_i
    else:
        seg = x[peak_i:]
        low_i = peak_i + int(np.argmin(seg) if finite else np.nanargmin(seg))
        if from_high <= -CORRECTION_PCT:
            state = "correction"
            under = np.flatnonzero(x[peak_i:] <= x[peak_i] * (1 - CORRECTION_PCT / 100.0))
            start = peak_i + int(under[0])
        else:
            state, start = "bull", (bull_i if bull_i >= 0 else 0)
    fig = {
        "state": state, "high": r6(x[peak_i]), "high_date": s.iso(peak_i),
        "pct_from_high": r6(from_high), "record": r6(x[rec_i]), "record_date": s.iso(rec_i),
        "pct_from_record": r6(pct(x[-1], x[rec_i])), "state_since": s.iso(start),
        "sessions_in_state": int(last - start), "sessions_from_high": int(last - peak_i),
        "low": r6(x[low_i]), "low_date": s.iso(low_i), "pct_off_low": r6(pct(x[-1], x[low_i])),
        "bull_start": s.iso(bull_i) if bull_i >= 0 else None,
        "bull_start_close": r6(x[bull_i]) if bull_i >= 0 else None,
        "pct_from_bull_start": r6(pct(x[-1], x[bull_i])) if bull_i >= 0 else None,
        "previous_bear_start": s.iso(prev_bear_i) if prev_bear_i >= 0 else None,
        "close": r6(x[-1]), "first_date": s.iso(0),
        "correction_pct": CORRECTION_PCT, "bear_pct": BEAR_PCT, "rally_pct": RALLY_PCT,
    }
    summary = (f"{s.symbol}: {state} since {s.iso(start)}, {from_high:+.2f}% from the "
               f"{x[peak_i]:.2f} high of {s.iso(peak_i)}.")
    return [Finding("market_state", s.symbol, s.timeframe, s.iso(-1), s.iso(-1), fig, summary)]
