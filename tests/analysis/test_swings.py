"""Swings: exact pivots on a planted zigzag, robustness, no look-ahead, real GSPC weekly."""

from __future__ import annotations

import numpy as np
import pytest

from tapereader.analysis.swings import Swings, causal_atr, find_swings

from .synth import make_series, zigzag_path

PIVOTS = [(0, 100.0), (20, 130.0), (35, 110.0), (60, 150.0), (70, 140.0), (90, 120.0),
          (110, 160.0), (130, 150.0)]


def _planted():
    close = zigzag_path(PIVOTS)
    return make_series(close, timeframe="daily"), close


def test_planted_zigzag_exact_pivots():
    s, _ = _planted()
    sw = find_swings(s)
    # every turn is found exactly (the path falls straight from 60 to 90, so 70 is no pivot);
    # the last one (130) is not confirmed by any later bar
    got = list(zip(sw.idx.tolist(), sw.kind.tolist(), strict=True))
    expected = [(0, -1), (20, 1), (35, -1), (60, 1), (90, -1), (110, 1)]
    assert got == expected
    # prices are the bar's high (highs) / low (lows) exactly
    for i, k, p in zip(sw.idx, sw.kind, sw.price, strict=True):
        assert p == (s.high[i] if k == 1 else s.low[i])
    # confirmation: first later bar whose low (high) is beyond the threshold, strictly later
    assert (sw.confirm > sw.idx).all()
    assert 20 < sw.confirm[1] < 35  # the 20 high is confirmed during the decline to 35
    # magnitude of the 35 low: max high since the last lower low (bar 0) over the low
    j = 2
    assert sw.magnitude[j] == pytest.approx((s.high[:36].max() / s.low[35] - 1) * 100)
    # the 110 high ended a rise from the 90 low... measured back to the last higher high (none):
    # from the lowest low before it (bar 0)
    assert sw.magnitude[5] == pytest.approx((s.high[110] / s.low[:111].min() - 1) * 100)
    # oracle: confirm = first later bar beyond the smallest scale's threshold; scale = largest
    # k whose threshold the move ended exceeds (thresholds from the causal ATR at the bar)
    frac = causal_atr(s) / s.close
    thr = np.maximum(1.5 * frac, 0.005)
    for i, k, c, mag, sc in zip(sw.idx, sw.kind, sw.confirm, sw.magnitude, sw.scale, strict=True):
        j = np.arange(i + 1, len(s))
        beyond = (s.low[j] <= s.high[i] * (1 - thr[j])) if k == 1 else \
            (s.high[j] >= s.low[i] * (1 + thr[j]))
        assert c == j[np.argmax(beyond)]
        passed = [x for x in (1.5, 3.0, 6.0) if mag / 100 >= max(x * frac[i], 0.005)]
        assert sc == max(passed, default=1.5)
    small = find_swings(make_series(zigzag_path([(0, 100.0), (20, 104.0), (40, 101.0),
                                                 (60, 130.0), (80, 100.0)])))
    assert small.scale[list(small.idx).index(40)] < small.scale[list(small.idx).index(60)]


def test_short_flat_and_bad_input():
    assert len(find_swings(make_series([100.0, 101.0]))) == 0
    flat = find_swings(make_series(np.full(300, 50.0), spread_pct=0.0))
    assert isinstance(flat, Swings) and len(flat) == 0
    s = make_series(np.linspace(100, 120, 50))
    s.close[10] = np.nan
    with pytest.raises(ValueError, match="bar 10"):
        find_swings(s)
    with pytest.raises(ValueError, match="scales"):
        find_swings(make_series(np.linspace(100, 120, 50)), scales=())


def test_prefix_equals_full_run_confirmed_swings(real_series):
    s = real_series("GSPC", "daily", "2013-07-08")
    full = find_swings(s)
    assert len(full) > 100
    for n in (30, 200, 777, 1500, len(s) - 3):
        pre = find_swings(s.head(n))
        want = full.known_by(n - 1)
        for f in Swings.__slots__:
            np.testing.assert_array_equal(getattr(pre, f), getattr(want, f), err_msg=f"{f} n={n}")
        assert (pre.confirm <= n - 1).all()


def test_real_gspc_weekly_november_2012_low(real_series):
    s = real_series("GSPC", "weekly", "2013-07-08")
    sw = find_swings(s)
    lows = {s.iso(i): (p, c, sc) for i, k, p, c, sc in
            zip(sw.idx, sw.kind, sw.price, sw.confirm, sw.scale, strict=True) if k == -1}
    highs = {s.iso(i) for i, k in zip(sw.idx, sw.kind, strict=True) if k == 1}
    p, c, sc = lows["2012-11-16"]
    assert p == pytest.approx(1343.35, abs=0.01)
    assert s.iso(c) == "2012-11-23"           # known the week after
    assert sc >= 3.0                           # a major low, not a wiggle
    assert "2011-10-07" in lows and "2013-05-24" in highs and "2007-10-12" in highs
    # alternation: highs and lows alternate
    assert (np.diff(sw.kind) != 0).all()
