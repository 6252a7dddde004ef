"""Numba kernels for trend lines, in "support space".

Every line is handled as a rising support line: for down lines (resistance)
the prices are mirrored (``y = -log(high)`` etc.) by the caller, so one kernel
serves up/down and log/linear lines. ``lo`` is the side the line rests on,
``hi`` the far side, ``cl`` the close, ``tol`` one ATR in the same units.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def valid_pairs(lo, cl, tol, aidx, first_ok, valid_tol, pierce_tol):  # pragma: no cover
    """Anchor pairs (a, b) whose line rises and has no close below it between them.

    ``aidx`` are swing indices (sorted); ``first_ok[a]`` says anchor ``a`` may start a
    line. A close may sit ``valid_tol`` ATR under the line, a low ``pierce_tol`` ATR
    (a line that cuts deep through a lower low is not drawn that way). For each first
    anchor the smallest slope to any close/low so far is kept, so each pair costs O(1).
    """
    na = len(aidx)
    out_a = np.empty(na * na, dtype=np.int64)
    out_b = np.empty(na * na, dtype=np.int64)
    m = 0
    for a in range(na):
        if not first_ok[a]:
            continue
        p1 = aidx[a]
        y1 = lo[p1]
        ms = np.inf
        i = p1 + 1
        for b in range(a + 1, na):
            p2 = aidx[b]
            while i < p2:
                s = (min(cl[i] + valid_tol * tol[i], lo[i] + pierce_tol * tol[i]) - y1) / (i - p1)
                if s < ms:
                    ms = s
                i += 1
            if ms <= 0.0:
                break
            slope = (lo[p2] - y1) / (p2 - p1)
            if 0.0 < slope <= ms:
                out_a[m] = a
                out_b[m] = b
                m += 1
    return out_a[:m], out_b[:m]


@numba.njit(cache=True)
def scan_lines(lo, hi, cl, tol, p1s, y1s, slopes, p2s, touch_tol, valid_tol, break_tol,
               break_n, retest_tol, away_tol, keep_bars, horizon, cap):  # pragma: no cover
    """Walk each line forward from its first anchor to the last bar.

    Per line: touch episodes (bars whose low is within ``touch_tol`` ATR of the line,
    close not below it by more than ``valid_tol`` ATR; consecutive bars are one touch),
    the break: ``brk`` is the first close more than ``valid_tol`` ATR under the line after
    its second anchor (from then on the line is no longer intact), ``brk_conf`` the bar
    that confirms it (the first run of such closes that reaches ``break_n`` closes or has
    a close ``break_tol`` ATR under it, at or after ``brk``), then re-test
    episodes: once a low has been ``away_tol`` ATR under the line, a later bar whose
    high is back within ``retest_tol`` ATR of it, close not above it, starts one;
    it lasts while bars stay that near, and the next one needs another move away;
    until the line is reclaimed (a close ``break_tol`` ATR above it) or ``keep_bars``
    after the break. Each bar's result depends only on bars up to it. A line whose break
    is older than ``keep_bars`` before bar ``horizon`` is not followed further.
    """
    nl = len(p1s)
    n = len(cl)
    touch = np.full((nl, cap), -1, dtype=np.int64)
    ntouch = np.zeros(nl, dtype=np.int64)
    brk = np.full(nl, -1, dtype=np.int64)
    brk_conf = np.full(nl, -1, dtype=np.int64)
    reclaim = np.full(nl, -1, dtype=np.int64)
    rt_start = np.full((nl, cap), -1, dtype=np.int64)
    rt_end = np.full((nl, cap), -1, dtype=np.int64)
    nrt = np.zeros(nl, dtype=np.int64)
    for j in range(nl):
        p1 = p1s[j]
        y1 = y1s[j]
        b = slopes[j]
        p2 = p2s[j]
        in_touch = False
        run = 0
        in_rt = False
        armed = False
        for i in range(p1, n):
            line = y1 + b * (i - p1)
            t = tol[i]
            if brk_conf[j] < 0:
                below = cl[i] < line - valid_tol * t
                if i > p2 and below:
                    if brk[j] < 0:
                        brk[j] = i
                    run += 1
                    if run >= break_n or cl[i] < line - break_tol * t:
                        brk_conf[j] = i
                        if i + keep_bars < horizon:
                            break
                    in_touch = False
                    continue
                run = 0
                if abs(lo[i] - line) <= touch_tol * t and not below:
                    if not in_touch:
                        k = ntouch[j]
                        if k < cap:
                            touch[j, k] = i
                        ntouch[j] = k + 1
                    in_touch = True
                else:
                    in_touch = False
            else:
                if i > brk_conf[j] + keep_bars:
                    break
                if cl[i] > line + break_tol * t:
                    reclaim[j] = i
                    if in_rt:
                        rt_end[j, min(nrt[j], cap) - 1] = i - 1
                    in_rt = False
                    break
                near = hi[i] >= line - retest_tol * t and cl[i] <= line + valid_tol * t
                if near and i > brk_conf[j] and (armed or in_rt):
                    armed = False
                    if not in_rt:
                        k = nrt[j]
                        if k < cap:
                            rt_start[j, k] = i
                            rt_end[j, k] = n  # open until it ends
                        nrt[j] = k + 1
                    in_rt = True
                else:
                    if in_rt and nrt[j] <= cap:
                        rt_end[j, nrt[j] - 1] = i - 1
                    in_rt = False
                if lo[i] < line - away_tol * t:
                    armed = True
    return touch, ntouch, brk, brk_conf, reclaim, rt_start, rt_end, nrt


@numba.njit(cache=True)
def running_max_back(hi, k):  # pragma: no cover - compiled
    """``out[j] = max(hi[j..k])`` for ``j <= k`` (how far price went after bar j, as of k)."""
    out = np.empty(k + 1)
    m = -np.inf
    for j in range(k, -1, -1):
        if hi[j] > m:
            m = hi[j]
        out[j] = m
    return out


@numba.njit(cache=True)
def score_asof(k, p1, p2, conf2, y1, slope, touch, ntouch, brk, brk_conf, reclaim, rt_start,
               rt_end, nrt, hi, cl, tol, spw, keep, max_span, recent, near,
               after_break):  # pragma: no cover
    """Scores of the lines as of bar ``k`` (NaN when not drawable or no longer news),
    their state (0 intact, 1 broken, 2 re-testing, 3 retaken, 4 breached: closed beyond,
    not confirmed) and touches.

    Score: touches beyond two (up to 2), span in years (up to 1), how far price went
    from the first anchor in ATRs (up to 2), nearness of the close (up to 2), and 1 for
    a break within ``recent`` bars, a re-test in progress or a recent reclaim. A line that
    starts at or after the first close beyond a broken line still reported (a new line
    through the breakdown low) loses ``after_break``: the broken line stays the story.
    """
    nl = len(p1)
    cap = touch.shape[1]
    score = np.full(nl, np.nan)
    state = np.zeros(nl, dtype=np.int64)
    nt_out = np.zeros(nl, dtype=np.int64)
    # max(hi[j..k]) for j from the earliest first anchor (running_max_back's values there)
    j0 = k
    for j in range(nl):
        j0 = min(j0, p1[j])
    runmax = np.empty(k + 1)
    m = -np.inf
    for j in range(k, max(j0, 0) - 1, -1):
        if hi[j] > m:
            m = hi[j]
        runmax[j] = m
    tk = tol[k]
    unit = tk * np.sqrt(spw)
    for j in range(nl):
        if conf2[j] > k or p1[j] < k - max_span:
            continue
        broken = 0 <= brk_conf[j] <= k
        retaken = broken and 0 <= reclaim[j] <= k
        if broken and (k - brk_conf[j] > keep or (retaken and k - reclaim[j] >= recent)):
            continue
        line = y1[j] + slope[j] * (k - p1[j])
        dist = abs(cl[k] - line) / tk
        if broken and k - brk_conf[j] >= recent and dist > near:
            continue  # an old break far from price is no longer news
        st = 4 if 0 <= brk[j] <= k else 0
        if retaken:
            st = 3
        elif broken:
            st = 1
            for r in range(min(nrt[j], cap)):
                if rt_start[j, r] <= k <= rt_end[j, r]:
                    st = 2
        last = brk[j] - 1 if broken else k
        nt = 0
        for r in range(min(ntouch[j], cap)):
            if touch[j, r] <= last:
                nt += 1
        fwd = (runmax[p1[j]] - y1[j]) / unit
        span_w = (min(k, last) - p1[j]) / spw
        news = 1.0 if st == 2 or st == 3 or (broken and k - brk_conf[j] < recent) else 0.0
        score[j] = (2.0 * min(max(nt - 2, 0), 4) / 4.0 + min(span_w / 52.0, 1.0)
                    + 2.0 * min(fwd / 10.0, 1.0) + 2.0 * np.exp(-dist / 4.0) + news)
        state[j] = st
        nt_out[j] = nt
    first_brk = -1
    for j in range(nl):
        if np.isfinite(score[j]) and 1 <= state[j] <= 3 and (first_brk < 0 or
                                                              brk[j] < first_brk):
            first_brk = brk[j]
    if first_brk >= 0:
        for j in range(nl):
            if np.isfinite(score[j]) and (state[j] == 0 or state[j] == 4) and p1[j] >= first_brk:
                score[j] -= after_break
    return score, state, nt_out


@numba.njit(cache=True)
def rank_asof(k, p1, p2, conf2, y1, slope, touch, ntouch, brk, brk_conf, reclaim, rt_start,
              rt_end, nrt, hi, cl, tol, spw, keep, max_span, recent, near, top,
              same_slope, after_break):  # pragma: no cover - compiled
    """The best ``top`` lines as of bar ``k`` (indices, scores), best first; a line whose
    slope is within ``same_slope`` of a better one's and that shares an anchor with it or
    lies within one ATR of it at ``k`` is the same line and dropped. Ties go to the
    earlier anchors."""
    score, _state, _nt = score_asof(k, p1, p2, conf2, y1, slope, touch, ntouch, brk, brk_conf,
                                    reclaim, rt_start, rt_end, nrt, hi, cl, tol, spw, keep,
                                    max_span, recent, near, after_break)
    nl = len(p1)
    key = np.empty(nl)
    for j in range(nl):
        key[j] = -np.round(score[j], 6) if np.isfinite(score[j]) else np.inf
    order = np.empty(nl, dtype=np.int64)
    for j in range(nl):
        order[j] = j
    # insertion sort by (key, p1, p2): few lines, stable and deterministic
    for a in range(1, nl):
        x = order[a]
        b = a - 1
        while b >= 0:
            y = order[b]
            if key[y] > key[x] or (key[y] == key[x] and (p1[y] > p1[x] or
                                                         (p1[y] == p1[x] and p2[y] > p2[x]))):
                order[b + 1] = y
                b -= 1
            else:
                break
        order[b + 1] = x
    chosen = np.empty(top, dtype=np.int64)
    cs = np.empty(top)
    m = 0
    for a in range(nl):
        j = order[a]
        if not np.isfinite(score[j]) or m == top:
            break
        dup = False
        for c in range(m):
            i = chosen[c]
            shared = p1[i] == p1[j] or p2[i] == p2[j] or p1[i] == p2[j] or p2[i] == p1[j]
            vi = y1[i] + slope[i] * (k - p1[i])
            vj = y1[j] + slope[j] * (k - p1[j])
            shared = shared or abs(vi - vj) <= tol[k]
            if shared and abs(slope[i] - slope[j]) <= same_slope * max(abs(slope[i]),
                                                                          abs(slope[j])):
                dup = True
                break
        if not dup:
            chosen[m] = j
            cs[m] = np.round(score[j], 6)
            m += 1
    return chosen[:m], cs[:m]


@numba.njit(cache=True)
def space_lines(lo, hi, cl, tol, sidx, skind, sconf, sscale, want_kind, major_scale, min_p1,
                min_gap, touch_tol, valid_tol, pierce_tol, break_tol, break_n, retest_tol,
                away_tol, keep_bars, horizon, cap, min_rise, min_slope,
                recent):  # pragma: no cover - compiled
    """One direction's candidate lines in one call: anchors of kind ``want_kind``, valid
    pairs at least ``min_gap`` bars apart that rise at least ``min_rise`` ATR between
    them and ``min_slope`` ATR per bar (a flatter line is a level, not a trend line),
    their forward scan, and only the lines still worth reporting (no close beyond them
    before drawable; break not older than the window, reclaim not older than ``recent``
    bars before it). Returns ``ok`` False when no line can start."""
    m = 0
    for q in range(len(sidx)):
        if skind[q] == want_kind:
            m += 1
    aidx = np.empty(m, dtype=np.int64)
    aconf = np.empty(m, dtype=np.int64)
    first_ok = np.empty(m, dtype=np.bool_)
    m = 0
    anyok = False
    for q in range(len(sidx)):
        if skind[q] == want_kind:
            aidx[m] = sidx[q]
            aconf[m] = sconf[q]
            first_ok[m] = sscale[q] >= major_scale and sidx[q] >= min_p1
            anyok = anyok or first_ok[m]
            m += 1
    e1 = np.empty(0, dtype=np.int64)
    ef = np.empty(0)
    e2 = np.empty((0, cap), dtype=np.int64)
    if m < 2 or not anyok:
        return False, aidx, aconf, e1, e1, e1, ef, ef, e2, e1, e1, e1, e1, e2, e2, e1
    a, b = valid_pairs(lo, cl, tol, aidx, first_ok, valid_tol, pierce_tol)
    good = np.zeros(len(a), dtype=np.bool_)
    np_ = 0
    for q in range(len(a)):
        i1 = aidx[a[q]]
        i2 = aidx[b[q]]
        rise = lo[i2] - lo[i1]
        if i2 - i1 >= min_gap and rise >= min_rise * tol[i2] and \
                rise >= min_slope * tol[i2] * (i2 - i1):
            good[q] = True
            np_ += 1
    p1 = np.empty(np_, dtype=np.int64)
    p2 = np.empty(np_, dtype=np.int64)
    conf2 = np.empty(np_, dtype=np.int64)
    y1 = np.empty(np_)
    slope = np.empty(np_)
    np_ = 0
    for q in range(len(a)):
        if good[q]:
            i1 = aidx[a[q]]
            i2 = aidx[b[q]]
            p1[np_] = i1
            p2[np_] = i2
            conf2[np_] = max(aconf[a[q]], aconf[b[q]])
            y1[np_] = lo[i1]
            slope[np_] = (lo[i2] - lo[i1]) / (i2 - i1)
            np_ += 1
    touch, ntouch, brk, brk_conf, reclaim, rt_start, rt_end, nrt = scan_lines(
        lo, hi, cl, tol, p1, y1, slope, p2, touch_tol, valid_tol, break_tol, break_n,
        retest_tol, away_tol, keep_bars, horizon, cap)
    keep = np.empty(np_, dtype=np.int64)
    nk = 0
    for j in range(np_):
        ok = (brk[j] < 0 or brk[j] > conf2[j]) and (brk_conf[j] < 0 or
                                                    brk_conf[j] + keep_bars >= horizon)
        ok = ok and (reclaim[j] < 0 or reclaim[j] + recent >= horizon)
        if ok:
            keep[nk] = j
            nk += 1
    keep = keep[:nk]
    return (True, aidx, aconf, p1[keep], p2[keep], conf2[keep], y1[keep], slope[keep],
            touch[keep], ntouch[keep], brk[keep], brk_conf[keep], reclaim[keep],
            rt_start[keep], rt_end[keep], nrt[keep])


@numba.njit(cache=True)
def rank_many(ks, p1, p2, conf2, y1, slope, touch, ntouch, brk, brk_conf, reclaim, rt_start,
              rt_end, nrt, hi, cl, tol, spw, keep, max_span, recent, near, top,
              same_slope, after_break):  # pragma: no cover - compiled
    """``rank_asof`` for each bar of ``ks`` in one call: (chosen, scores, counts), row ``q``
    holding the first ``counts[q]`` picks as of ``ks[q]``."""
    nk = len(ks)
    chosen = np.full((nk, top), -1, dtype=np.int64)
    scores = np.full((nk, top), np.nan)
    counts = np.zeros(nk, dtype=np.int64)
    for q in range(nk):
        js, sc = rank_asof(ks[q], p1, p2, conf2, y1, slope, touch, ntouch, brk, brk_conf,
                           reclaim, rt_start, rt_end, nrt, hi, cl, tol, spw, keep, max_span,
                           recent, near, top, same_slope, after_break)
        counts[q] = len(js)
        for c in range(len(js)):
            chosen[q, c] = js[c]
            scores[q, c] = sc[c]
    return chosen, scores, counts


@numba.njit(cache=True)
def anchors(aidx, aconf, lo, tol, p1, y1, slope, end, k, touch_tol):  # pragma: no cover
    """Swing indices in ``[p1, end]`` confirmed by ``k`` whose price lies within
    ``touch_tol`` ATR of the line (``aidx`` sorted)."""
    out = np.empty(len(aidx), dtype=np.int64)
    m = 0
    start = np.searchsorted(aidx, p1)
    for q in range(start, len(aidx)):
        i = aidx[q]
        if i > end:
            break
        if aconf[q] <= k:
            line = y1 + slope * (i - p1)
            if np.abs(lo[i] - line) <= touch_tol * tol[i]:
                out[m] = i
                m += 1
    return out[:m]


@numba.njit(cache=True)
def states_at(lo, hi, cl, tol, p1s, p2s, k, touch_tol, valid_tol, break_tol, break_n,
              retest_tol, away_tol, keep_bars, cap):  # pragma: no cover - compiled
    """The lines through the anchors ``(p1s[j], p2s[j])`` on these prices (another scale):
    their state at bar ``k`` (-1 invalid: a close under the line between its anchors,
    0 intact, 1 broken, 2 re-testing, 3 retaken, 4 breached), first close under them
    (or -1) and their value at ``k``, in one pass."""
    nl = len(p1s)
    y1 = np.empty(nl)
    slope = np.empty(nl)
    ok = np.ones(nl, dtype=np.bool_)
    for j in range(nl):
        a = p1s[j]
        b = p2s[j]
        y1[j] = lo[a]
        slope[j] = (lo[b] - lo[a]) / (b - a)
        for i in range(a + 1, b):
            if cl[i] < y1[j] + slope[j] * (i - a) - valid_tol * tol[i]:
                ok[j] = False
                break
    _t, _nt, brk, brk_conf, reclaim, rt_start, rt_end, nrt = scan_lines(
        lo, hi, cl, tol, p1s, y1, slope, p2s, touch_tol, valid_tol, break_tol, break_n,
        retest_tol, away_tol, keep_bars, 0, cap)
    state = np.zeros(nl, dtype=np.int64)
    value = np.empty(nl)
    for j in range(nl):
        value[j] = y1[j] + slope[j] * (k - p1s[j])
        if not ok[j]:
            state[j] = -1
        elif brk[j] < 0 or brk[j] > k:
            state[j] = 0
        elif brk_conf[j] < 0 or brk_conf[j] > k:
            state[j] = 4
        elif 0 <= reclaim[j] <= k:
            state[j] = 3
        else:
            state[j] = 1
            for r in range(min(nrt[j], cap)):
                if rt_start[j, r] <= k <= rt_end[j, r]:
                    state[j] = 2
    return state, brk, value
