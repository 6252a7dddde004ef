"""Reversal days: planted key/outside/engulfing bars, the May 22 2013 reversal, point in time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tapereader.analysis.reversals import find_reversals
from tapereader.analysis.series import Series

K = 50   # the planted bar


def make(o, h, lo, c, v=None, start="2018-01-02") -> Series:
    n = len(c)
    dates = pd.bdate_range(start, periods=n).values.astype("datetime64[D]")
    v = np.full(n, np.nan) if v is None else np.asarray(v, dtype=np.float64)
    f = [np.asarray(x, dtype=np.float64) for x in (o, h, lo, c)]
    return Series("SYN", "daily", dates, *f, v, np.full(n, np.nan))


def uptrend(n=60):
    """Closes rising 0.5 a bar, ranges +-0.3, white candles: true range is exactly 0.8."""
    c = 100 + 0.5 * np.arange(n)
    return c - 0.2, c + 0.3, c - 0.3, c


def plant(o, h, lo, c, k, po, ph, pl, pc):
    """Put the bar (po, ph, pl, pc) at ``k`` and keep rising 0.5 a bar from its close after it."""
    o, h, lo, c = (x.copy() for x in (o, h, lo, c))
    o[k], h[k], lo[k], c[k] = po, ph, pl, pc
    after = pc + 0.5 * np.arange(1, len(c) - k)
    c[k + 1:], o[k + 1:], h[k + 1:], lo[k + 1:] = after, after - 0.2, after + 0.3, after - 0.3
    return o, h, lo, c


def test_planted_bearish_key_outside_engulfing():
    o, h, lo, c = uptrend()
    pc = c[K - 1]
    o, h, lo, c = plant(o, h, lo, c, K, pc + 0.5, pc + 3.0, pc - 1.5, pc - 1.0)
    v = np.full(len(c), 1000.0)
    v[K] = 2500.0
    s = make(o, h, lo, c, v)
    (f,) = find_reversals(s)
    assert f.date == f.known_at == str(s.dates[K])
    assert f.figures["direction"] == "bearish"
    assert f.figures["type"] == "key"
    assert f.figures["patterns"] == ["key", "outside", "engulfing"]
    assert f.figures["range_atr"] == pytest.approx(4.5 / 0.8, abs=0.006)   # ATR is exactly 0.8
    assert f.figures["volume_ratio"] == 2.5
    assert f.figures["close_location"] == round(0.5 / 4.5, 6)
    assert f.figures["extreme"] == round(pc + 3.0, 6)
    assert "bearish key reversal day" in f.summary and "5.6x ATR" in f.summary


def test_planted_key_only_and_no_volume():
    o, h, lo, c = uptrend()
    pc = c[K - 1]
    # new high, closes below the prior close but inside the prior low: key, not outside
    o, h, lo, c = plant(o, h, lo, c, K, pc + 0.1, pc + 1.2, pc - 0.25, pc - 0.1)
    (f,) = find_reversals(make(o, h, lo, c))
    assert (f.figures["type"], f.figures["patterns"]) == ("key", ["key"])
    assert f.figures["volume_ratio"] is None
    assert "average volume" not in f.summary


def test_planted_outside_reversal_below_the_move_high():
    o, h, lo, c = uptrend()
    # an earlier peak 15 bars back keeps bar K from being a 20-bar high, but it is a 10-bar high
    h[K - 15] = c[K - 1] + 10
    pc = c[K - 1]
    o, h, lo, c = plant(o, h, lo, c, K, pc + 0.2, pc + 1.5, pc - 1.0, pc - 0.6)
    (f,) = find_reversals(make(o, h, lo, c))
    assert f.figures["type"] == "outside"
    assert "key" not in f.figures["patterns"]


def test_planted_bullish_mirror():
    o, h, lo, c = uptrend()
    pc = c[K - 1]
    o, h, lo, c = plant(o, h, lo, c, K, pc + 0.5, pc + 3.0, pc - 1.5, pc - 1.0)
    m = 400.0   # mirror prices: highs become lows, a bearish bar a bullish one
    (f,) = find_reversals(make(m - o, m - lo, m - h, m - c))
    assert f.figures["direction"] == "bullish"
    assert f.figures["patterns"] == ["key", "outside", "engulfing"]
    assert f.figures["extreme"] == round(m - (pc + 3.0), 6)


def test_no_reversal_in_clean_trend_and_narrow_bar_filtered():
    assert find_reversals(make(*uptrend())) == []
    o, h, lo, c = uptrend()
    pc = c[K - 1]
    # new high, lower close, but range 0.55 < 1 ATR (0.8): not reported
    o, h, lo, c = plant(o, h, lo, c, K, pc + 0.1, pc + 0.35, pc - 0.2, pc - 0.1)
    assert find_reversals(make(o, h, lo, c)) == []
    assert find_reversals(make(o, h, lo, c), min_range_atr=0.5)


def test_old_reversal_is_not_news():
    o, h, lo, c = uptrend(100)
    pc = c[K - 1]
    o, h, lo, c = plant(o, h, lo, c, K, pc + 0.5, pc + 3.0, pc - 1.5, pc - 1.0)
    assert find_reversals(make(o, h, lo, c)) == []         # bar 50 of 100: 49 bars old
    assert len(find_reversals(make(o[:60], h[:60], lo[:60], c[:60]))) == 1


# --- real data -----------------------------------------------------------------------

def test_may_22_2013_bearish_key_reversal(real_series, real_bars):
    """GSPC 2013-05-22: record intraday high 1687.18 then a close below the prior close."""
    df = real_bars("GSPC", "2013-06-10")
    s = real_series("GSPC", asof="2013-06-10")
    (f,) = [f for f in find_reversals(s) if f.date == "2013-05-22"]
    i = df.index.get_loc(pd.Timestamp("2013-05-22"))
    # hand check with pandas: a new 20-bar high and a close below the prior close
    assert df["high"].iloc[i] > df["high"].iloc[i - 20:i].max()
    assert df["close"].iloc[i] < df["close"].iloc[i - 1]
    assert f.figures["direction"] == "bearish" and f.figures["type"] == "key"
    # independent oracle for the significance figures: Wilder ATR via pandas
    pc = df["close"].shift()
    tr = pd.concat([df["high"] - df["low"], (df["high"] - pc).abs(), (df["low"] - pc).abs()],
                   axis=1).max(axis=1)
    atr = tr.iloc[1:15].mean()
    for x in tr.iloc[15:i]:
        atr = (atr * 13 + x) / 14
    rng = df["high"].iloc[i] - df["low"].iloc[i]
    assert f.figures["range_atr"] == pytest.approx(rng / atr, abs=0.006)
    vr = df["volume"].iloc[i] / df["volume"].iloc[i - 50:i].mean()
    assert f.figures["volume_ratio"] == pytest.approx(vr, abs=0.006)
    assert f.figures["range_atr"] > 2 and f.figures["volume_ratio"] > 1


def test_rut_reversal_without_volume(real_series):
    s = real_series("RUT", asof="2013-06-10")
    (f,) = [f for f in find_reversals(s) if f.date == "2013-05-22"]
    assert f.figures["volume_ratio"] is None and f.figures["type"] == "key"


def test_prefix_identical(real_series):
    s = real_series("QQQ", asof="2013-06-10")
    fs = find_reversals(s)
    assert fs, "expected the May 2013 reversals"
    dates = s.dates.astype(str)
    for f in fs:
        k = int(np.flatnonzero(dates == f.known_at)[0])
        assert f in find_reversals(s.head(k + 1))
        assert f.known_at <= dates[-1]


@pytest.mark.parametrize("n", [1, 2, 5, 16])
def test_short_and_flat(n):
    c = np.full(n, 10.0)
    assert find_reversals(make(c, c, c, c)) == []
