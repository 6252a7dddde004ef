"""Analogs: past rallies of the same symbol that looked like the current one, and what followed.

"The last time small caps climbed this steeply for this long (Aug 2010 - Apr 2011), a 29%
correction followed within six months." The current advance is the current leg's channel
(``channels.current_leg``). A past *rally* is a window ``i..j`` of bars such that

- bar ``i`` is a swing low (no lower close in the ``SWING_BARS`` bars before it) and the lowest
  close of the window, bar ``j`` a swing high (the ``SWING_BARS`` closes after it are lower) and
  the highest close of the window (closes throughout);
- it lasts between half and twice (``LEN_RATIO``) the current leg's bars (at least
  ``MIN_BARS``), gains at least ``MIN_GAIN_PCT``, and its log-regression fit has r² >= ``MIN_R2``;
- its log-regression slope (%/year) is within a factor ``LEN_RATIO`` of the current leg's;
- it ended before the current leg started, and the six months after it (``AFTER_DAYS``) were
  over by the last bar, so what followed it is fully known at the last bar.

Similarity (0-1) = exp(-(|ln(p_past / p_now)| + |ln(L_past / L_now)|)), with ``p`` the
linear-regression slope of closes (points per bar) and ``L`` the length in bars: 1 for lines
of the same slope and length, 0.5 when they differ by a factor of 2 in total. This is how a
chartist matches rallies by eye: lines *parallel on the linear chart* (the reference post's
IWM Aug 2010 - Apr 2011 rally is parallel in points to the current leg while steeper in
%/year), which also favours rallies at a comparable price level. Both slopes are reported.
The best non-overlapping rallies are kept (``top``).

What followed: the maximum drawdown over the ``AFTER_DAYS`` calendar days after the rally's end,
peak to trough on closes, starting from the close at the rally's end. With ``daily`` (the same
symbol's daily bars) the trough is dated to the day; otherwise weekly closes are used.
And, never cut at a fixed window, the decline that followed to its end (``decline_*``): from
the rally's last close to the lowest close before either a ``DECLINE_END_RALLY_PCT`` rally
off that low or a close above the rally's high ended it (``decline_complete`` is False when
neither happened by the last bar: then the trough is no bottom), and the change 3, 6 and 12
months after the rally's end (``after_3m_pct``..., None until known).
Candidate windows are searched in one numba pass with prefix sums (each fit is O(1)).
"""

from __future__ import annotations

import datetime
import math

import numba
import numpy as np

from ..findings import Finding
from .channels import Channel, current_leg, fit_channel
from .lib import month_year, r6
from .series import Series

MIN_BARS = 8              # a rally lasts at least this many bars
SWING_BARS = 4            # a rally starts at the lowest close of the previous 4 bars and ends
                          # at a close above the next 4 (a month each way on weekly bars)
MIN_GAIN_PCT = 10.0       # ... and gains at least this much, low to high
MIN_R2 = 0.6              # ... in an orderly advance (log-regression r²)
LEN_RATIO = 2.0           # its length and %/year slope are within this factor of the current's
AFTER_DAYS = 182          # "within six months" (26 weeks) after the rally's end
DECLINE_END_RALLY_PCT = 20.0   # a decline ends with a rally this large off its low ...
HORIZON_MONTHS = (3, 6, 12)    # ... the change after these months is reported too
_EPOCH = datetime.date(1970, 1, 1)


@numba.njit(cache=True)
def _search(close: np.ndarray, days: np.ndarray, cur_a: int, cur_b: int, min_bars: int,
            swing: int, min_gain: float, min_r2: float, len_ratio: float,
            after_days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All candidate past rallies ``(i, j)`` with their similarity to ``cur_a..cur_b``."""
    n = len(close)
    py = np.zeros(n + 1)
    pky = np.zeros(n + 1)
    pyy = np.zeros(n + 1)
    pc = np.zeros(n + 1)
    pkc = np.zeros(n + 1)
    for k in range(n):
        y = np.log(close[k])
        py[k + 1] = py[k] + y
        pky[k + 1] = pky[k] + k * y
        pyy[k + 1] = pyy[k] + y * y
        pc[k + 1] = pc[k] + close[k]
        pkc[k + 1] = pkc[k] + k * close[k]

    def fit(a: int, b: int) -> tuple[float, float, float]:
        # log slope, its r2, and the linear slope (points per bar) of close[a..b]
        m = b - a + 1
        st = m * (m - 1) / 2.0
        stt = (m - 1) * m * (2 * m - 1) / 6.0
        sy = py[b + 1] - py[a]
        sty = pky[b + 1] - pky[a] - a * sy
        syy = pyy[b + 1] - pyy[a]
        sc = pc[b + 1] - pc[a]
        stc = pkc[b + 1] - pkc[a] - a * sc
        num = m * sty - st * sy
        den_t = m * stt - st * st
        den_y = m * syy - sy * sy
        rsq = num * num / (den_t * den_y) if den_y > 0 else 0.0
        return num / den_t, rsq, (m * stc - st * sc) / den_t

    g_c, _, p_c = fit(cur_a, cur_b)
    l_c = cur_b - cur_a
    cap = 4096
    oi = np.empty(cap, dtype=np.int64)
    oj = np.empty(cap, dtype=np.int64)
    osim = np.empty(cap, dtype=np.float64)
    k = 0
    if g_c <= 0 or p_c <= 0 or l_c < min_bars:
        return oi[:0], oj[:0], osim[:0]
    log_ratio = math.log(len_ratio)
    lmin = max(min_bars, int(math.ceil(l_c / len_ratio)))  # noqa: RUF046 (numba)
    lmax = int(math.floor(l_c * len_ratio))  # noqa: RUF046 (numba)
    last_day = days[n - 1]
    for i in range(swing, cur_a):
        swing_low = True
        for q in range(i - swing, i):
            if close[q] < close[i]:
                swing_low = False
                break
        if not swing_low:
            continue
        cmax = close[i]
        for j in range(i + 1, min(cur_a, i + lmax) + 1):
            if close[j] < close[i]:
                break
            if close[j] <= cmax:
                continue
            cmax = close[j]
            if j - i < lmin or j + swing >= n:
                continue
            swing_high = True
            for q in range(j + 1, j + swing + 1):
                if close[q] >= close[j]:
                    swing_high = False
                    break
            if not swing_high:
                continue
            if days[j] + after_days > last_day:
                break
            if (close[j] / close[i] - 1.0) * 100.0 < min_gain:
                continue
            g, rsq, p = fit(i, j)
            if g <= 0 or p <= 0 or rsq < min_r2 or abs(math.log(g / g_c)) > log_ratio:
                continue
            sim = math.exp(-(abs(math.log(p / p_c)) + abs(math.log((j - i) / l_c))))
            if k == cap:
                cap *= 2
                oi = np.concatenate((oi, np.empty(cap - k, dtype=np.int64)))
                oj = np.concatenate((oj, np.empty(cap - k, dtype=np.int64)))
                osim = np.concatenate((osim, np.empty(cap - k, dtype=np.float64)))
            oi[k] = i
            oj[k] = j
            osim[k] = sim
            k += 1
    return oi[:k], oj[:k], osim[:k]


@numba.njit(cache=True)
def _drawdown(close: np.ndarray, days: np.ndarray, start: int, peak: float,
              stop_day: int) -> tuple[float, int, int]:
    """Max drawdown (%, <= 0) of closes after bar ``start`` through day ``stop_day``, the
    running peak starting at ``peak``; returns it with the trough's and the peak's index
    (``start`` when the peak is the starting close, -1 trough when nothing fell)."""
    best = 0.0
    trough = -1
    peak_i = start
    best_peak = start
    for k in range(start + 1, len(close)):
        if days[k] > stop_day:
            break
        if close[k] > peak:
            peak = close[k]
            peak_i = k
        dd = (close[k] / peak - 1.0) * 100.0
        if dd < best:
            best = dd
            trough = k
            best_peak = peak_i
    return best, trough, best_peak


@numba.njit(cache=True)
def _decline(close: np.ndarray, start: int, rally: float) -> tuple[int, int, int]:
    """The decline after bar ``start``: (trough, end, how) with ``end`` the first bar of a
    close ``rally`` (fraction) above the running trough (``how`` 1) or above
    ``close[start]`` (``how`` 2); end -1 and how 0 when neither came by the last bar."""
    peak = close[start]
    trough = start
    for k in range(start + 1, len(close)):
        v = close[k]
        if v > peak:
            return trough, k, 2
        if v < close[trough]:
            trough = k
        elif v >= close[trough] * (1.0 + rally):
            return trough, k, 1
    return trough, -1, 0


def _days(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[D]").astype(np.int64)


def _resolve_current(s: Series, current) -> Channel | None:
    if current is None:
        return current_leg(s)
    if isinstance(current, Channel):
        return current
    if isinstance(current, Finding):
        a = int(np.searchsorted(s.dates, np.datetime64(current.figures["start_date"])))
        b = int(np.searchsorted(s.dates, np.datetime64(current.figures["end_date"])))
        return fit_channel(s, a, b)
    a, b = current
    return fit_channel(s, int(a), int(b))


def _after_source(s: Series, daily: Series | None) -> tuple[Series, str, np.ndarray,
                                                            np.ndarray]:
    """The closes what followed a rally is measured on: (series, basis, days, closes);
    the daily ones (up to ``s``'s last date) when given."""
    if daily is not None and len(daily):
        dd_days = _days(daily.dates)
        keep = dd_days <= int(_days(s.dates[-1:])[0])   # never read past the last bar
        return daily, "daily close", dd_days[keep], np.ascontiguousarray(daily.close[keep])
    return s, "weekly close", _days(s.dates), s.close


def _after(s: Series, daily: Series | None, j: int, after_days: int,
           source: tuple | None = None) -> dict:
    """What followed the rally ending at bar ``j``: drawdown, trough, on close basis
    (``source``: ``_after_source(s, daily)``, computed once for several rallies)."""
    end_day = int(_days(s.dates[j:j + 1])[0])
    stop = end_day + after_days
    peak = float(s.close[j])
    src, basis, dd_days, close = _after_source(s, daily) if source is None else source
    if src is daily:
        start = int(np.searchsorted(dd_days, end_day, side="right")) - 1
        if start >= 0 and dd_days[start] == end_day:
            peak = float(close[start])
    else:
        start = j
    dd, trough, peak_i = _drawdown(close, dd_days, start, peak, stop)
    out = {"after_max_drawdown_pct": r6(dd), "after_basis": basis,
           "after_window_end": str(np.datetime64(stop, "D")),
           "after_trough_date": None, "after_trough_close": None,
           "after_peak_date": s.iso(j) if peak_i == start else src.iso(peak_i)}
    if trough >= 0:
        out["after_trough_date"] = str(np.datetime64(int(dd_days[trough]), "D"))
        out["after_trough_close"] = r6(close[trough])
    out.update(_to_the_end(close, dd_days, max(start, 0), peak))
    return out


def _iso_day(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


def _to_the_end(close: np.ndarray, days: np.ndarray, start: int, peak: float) -> dict:
    """The decline after the rally's end to its end, and the change 3/6/12 months on."""
    c = np.ascontiguousarray(close, dtype=np.float64).copy()
    c[start] = peak
    trough, end, how = _decline(c, start, DECLINE_END_RALLY_PCT / 100.0)
    out: dict = {
        "decline_pct": r6((c[trough] / peak - 1.0) * 100.0) if trough > start else 0.0,
        "decline_trough_date": _iso_day(days[trough]) if trough > start else None,
        "decline_trough_close": r6(c[trough]) if trough > start else None,
        "decline_end_date": _iso_day(days[end]) if end >= 0 else None,
        "decline_ended_by": {0: None, 1: "rally", 2: "new_high"}[how],
        "decline_complete": how != 0, "decline_end_rally_pct": DECLINE_END_RALLY_PCT,
    }
    d0 = _EPOCH + datetime.timedelta(days=int(days[start]))
    last_day = int(days[-1])
    for m in HORIZON_MONTHS:
        # the same day of the month m months on (from the 1st: 31 January + 1 month is 3 March)
        mi = d0.year * 12 + d0.month - 1 + m
        target = (datetime.date(mi // 12, mi % 12 + 1, 1) - _EPOCH).days + d0.day - 1
        k = int(np.searchsorted(days, target, side="right")) - 1
        known = last_day >= target
        out[f"after_{m}m_pct"] = r6((c[k] / peak - 1.0) * 100.0) if known and k > start else None
        out[f"after_{m}m_date"] = _iso_day(days[k]) if known and k > start else None
    return out


def find_analogs(s: Series, current=None, top: int = 3, daily: Series | None = None,
                 min_bars: int = MIN_BARS, swing_bars: int = SWING_BARS,
                 min_gain_pct: float = MIN_GAIN_PCT,
                 min_r2: float = MIN_R2, len_ratio: float = LEN_RATIO,
                 after_days: int = AFTER_DAYS) -> list[Finding]:
    """``analog`` findings: up to ``top`` past rallies of ``s`` most similar to the current one.

    ``current``: a ``Channel``, a ``channel`` Finding, or ``(start_idx, end_idx)``; by default
    the current leg (``channels.current_leg``). ``daily``: the same symbol's daily bars, to
    measure what followed on daily closes (bars after ``s``'s last date are ignored).
    State findings of the last bar, best first (``figures['rank']``).
    """
    n = len(s)
    if n < 2 * min_bars + 2 or not np.isfinite(s.close).all() or (s.close <= 0).any():
        return []
    cur = _resolve_current(s, current)
    if cur is None or cur.start < min_bars + 1:
        return []
    days = _days(s.dates)
    ci, cj, sim = _search(np.ascontiguousarray(s.close), days, cur.start, cur.end,
                          min_bars, swing_bars, min_gain_pct, min_r2, len_ratio, after_days)
    order = np.lexsort((ci, -sim))           # best first, earlier start on ties
    chosen: list[int] = []
    for k in order:
        if len(chosen) == top:
            break
        if all(cj[k] < ci[c] or ci[k] > cj[c] for c in chosen):
            chosen.append(int(k))
    tf = s.timeframe
    unit = "week" if tf == "weekly" else "session"
    out = []
    source = _after_source(s, daily) if chosen else None
    for rank, k in enumerate(chosen, 1):
        past = fit_channel(s, int(ci[k]), int(cj[k]), kind="analog")
        fig = {
            "current_start": s.iso(cur.start), "current_end": s.iso(cur.end),
            "past_start": s.iso(past.start), "past_end": s.iso(past.end),
            "similarity": r6(sim[k]), "rank": rank,
            "current_slope_pct_per_year": r6(cur.pct_per_year(tf)),
            "past_slope_pct_per_year": r6(past.pct_per_year(tf)),
            "current_slope_points_per_week": r6(cur.points_per_week(tf)),
            "past_slope_points_per_week": r6(past.points_per_week(tf)),
            f"current_{unit}s": cur.end - cur.start, f"past_{unit}s": past.end - past.start,
            "current_gain_pct": r6((s.close[cur.end] / s.close[cur.start] - 1) * 100),
            "past_gain_pct": r6((s.close[past.end] / s.close[past.start] - 1) * 100),
            "past_r2": r6(past.r2),
            **_after(s, daily, past.end, after_days, source),
        }
        followed = (f"in the six months after it ended {s.symbol} fell as much as "
                    f"{-fig['after_max_drawdown_pct']:.2f}%"
                    + (f" (to {fig['after_trough_close']:.2f} on {fig['after_trough_date']})"
                       if fig["after_trough_date"] else ""))
        summary = (f"{s.symbol} {tf}: the rally from {month_year(fig['past_start'])} to "
                   f"{month_year(fig['past_end'])} ({fig['past_slope_pct_per_year']:+.2f}% a year, "
                   f"{fig['past_slope_points_per_week']:+.2f} points a week) resembles the "
                   f"current leg since {month_year(fig['current_start'])} "
                   f"({fig['current_slope_pct_per_year']:+.2f}% a year, "
                   f"{fig['current_slope_points_per_week']:+.2f} points a week; similarity "
                   f"{fig['similarity']:.2f}); {followed}.")
        out.append(Finding("analog", s.symbol, tf, s.iso(-1), s.iso(-1), fig, summary,
                           score=0.3 + 0.3 * float(sim[k])))
    return out
