"""Channels: planted exponential trends give their growth rate; IWM's reference channels."""

from __future__ import annotations

import numpy as np
import pytest

from tapereader.analysis.channels import find_channels

from .synth import weekly


def by_kind(fs):
    return {f.figures["kind"]: f for f in fs}


def planted(growth_bear=0.25, growth_leg=0.60, wiggle=0.003):
    """Rise, a 40% bear market, a 25%/yr advance, a 15% correction, a 60%/yr leg."""
    t = np.arange
    up = 50 * np.exp(np.log(2) * t(60) / 60)                       # 50 -> ~99
    down = up[-1] * np.exp(np.log(0.6) * t(1, 31) / 30)            # -40%
    g1 = np.log(1 + growth_bear) / 52
    bull = down[-1] * np.exp(g1 * t(1, 101))
    corr = bull[-1] * np.exp(np.log(0.85) * t(1, 11) / 10)          # -15%
    g2 = np.log(1 + growth_leg) / 52
    leg = corr[-1] * np.exp(g2 * t(1, 41))
    close = np.r_[up, down, bull, corr, leg]
    # a deterministic zigzag of +-wiggle around the trend (mean zero, so slopes are unbiased)
    z = np.where(np.arange(len(close)) % 2 == 0, 1.0, -1.0) * wiggle
    z[[89, 89 + 100 + 10]] = 0.0                                    # keep the planted lows exact
    return close * np.exp(z), 89, 89 + 100 + 10


def test_planted_growth_rates_recovered():
    close, bear_i, leg_i = planted()
    s = weekly(close)
    ch = by_kind(find_channels(s))
    assert set(ch) == {"since_bear_low", "current_leg"}
    bear, leg = ch["since_bear_low"].figures, ch["current_leg"].figures
    assert bear["start_date"] == s.iso(bear_i) and leg["start_date"] == s.iso(leg_i)
    assert bear["end_date"] == leg["end_date"] == s.iso(-1)
    assert leg["slope_pct_per_year"] == pytest.approx(60.0, abs=1.0)
    assert leg["decline_before_pct"] == pytest.approx(-15.0, abs=2.5)
    # points per week and width against an independent oracle (numpy polyfit)
    seg = close[leg_i:]
    x = np.arange(len(seg))
    assert leg["slope_points_per_week"] == round(np.polyfit(x, seg, 1)[0], 6)
    b, a = np.polyfit(x, np.log(seg), 1)
    res = np.log(seg) - (a + b * x)
    assert leg["width_pct"] == round((np.exp(res.max() - res.min()) - 1) * 100, 6)
    assert leg["slope_pct_per_year"] == round((np.exp(52 * b) - 1) * 100, 6)
    # the whole advance: the oracle's log slope over the bars since the bear low
    whole = np.log(close[bear_i:])
    bw = np.polyfit(np.arange(len(whole)), whole, 1)[0]
    assert bear["slope_pct_per_year"] == round((np.exp(52 * bw) - 1) * 100, 6)
    assert bear["decline_before_pct"] == pytest.approx(-40.0, abs=1.5)
    assert bear["slope_pct_per_year"] < leg["slope_pct_per_year"]


def test_exact_exponential_has_exact_slope_and_zero_width():
    t = np.arange(80)
    close = np.r_[100 * 0.97 ** np.arange(20), 100 * 0.97 ** 19 * 1.3 ** ((t + 1) / 52)]
    s = weekly(close)
    leg = by_kind(find_channels(s))["since_bear_low"].figures
    assert leg["start_date"] == s.iso(19)
    assert leg["slope_pct_per_year"] == 30.0
    assert leg["width_pct"] == 0.0
    assert leg["r2"] == 1.0


def test_short_flat_and_falling_series_give_nothing():
    assert find_channels(weekly([100.0] * 5)) == []
    assert find_channels(weekly([100.0] * 200)) == []
    assert find_channels(weekly(100 * 0.99 ** np.arange(200))) == []   # no advance yet
    assert find_channels(weekly(np.r_[100.0, np.nan, 101.0] * np.ones(3))) == []


def test_prefix_findings_use_only_the_prefix():
    close, _, _ = planted()
    s = weekly(close)
    for k in range(60, len(s)):
        head = s.head(k + 1)
        fs = find_channels(head)
        for f in fs:
            assert f.date == f.known_at == s.iso(k)
            assert f.figures["end_date"] == s.iso(k)
        # later bars changed: identical findings on the prefix
        alt = weekly(np.r_[close[:k + 1], close[k + 1:] * 0.5]).head(k + 1)
        assert find_channels(alt) == fs


@pytest.mark.realdata
def test_iwm_channel_since_nov_2012_steeper_than_since_2009(real_series):
    s = real_series("IWM", "weekly", asof="2013-07-08")
    ch = by_kind(find_channels(s))
    since09, leg = ch["since_bear_low"].figures, ch["current_leg"].figures
    assert "2009-02-20" <= since09["start_date"] <= "2009-03-31"
    assert leg["start_date"] == "2012-11-16"
    assert leg["end_date"] == "2013-07-08"
    assert leg["slope_pct_per_year"] > since09["slope_pct_per_year"] > 0
    assert leg["slope_points_per_week"] > since09["slope_points_per_week"] > 0
    # the IWM 2011 bear market (-30%) is a separate, later bear low
    assert ch["since_last_bear_low"].figures["start_date"][:7] == "2011-10"


@pytest.mark.realdata
def test_weekly_prefix_matches_asof_cut(real_series):
    full = real_series("IWM", "weekly")
    cut = real_series("IWM", "weekly", asof="2013-07-05")
    k = int(np.searchsorted(full.dates, np.datetime64("2013-07-05")))
    assert find_channels(full.head(k + 1)) == find_channels(cut)
