"""The memory of major levels: a planted old high 25% away, broken levels, real cases
(GSPC 2012 under the 2007 highs, the 2020 crash onto the December 2018 low), no look-ahead."""

from __future__ import annotations

import numpy as np
import pytest

from tapereader.analysis.levels import find_levels, is_round, levels_of
from tapereader.analysis.swings import find_swings

from .synth import make_series, zigzag_path


def cent(x):
    """Equal to ``x`` at the cent (figures keep full precision)."""
    return pytest.approx(x, abs=0.005)

def _levels(s, role=None):
    return [f for f in find_levels(s, find_swings(s))
            if role is None or f.figures["role"] == role]


def test_planted_old_high_25_percent_above_is_the_next_resistance():
    s = make_series(zigzag_path([(0, 100.0), (120, 150.0), (250, 95.0), (400, 118.0),
                                 (500, 105.0), (620, 120.0)]))
    peak = int(np.argmax(s.high))
    assert peak == 120
    res = _levels(s, "resistance")
    top = [f for f in res if f.figures["level_date"] == s.iso(peak)]
    assert len(top) == 1, [f.summary for f in res]
    f = top[0].figures
    assert f["level"] == round(float(s.high[peak]), 6)
    assert f["distance_pct"] == round((s.close[-1] / s.high[peak] - 1) * 100, 6)
    assert f["pct_away"] == round((s.high[peak] / s.close[-1] - 1) * 100, 6)
    assert 24.0 < f["pct_away"] < 26.0               # the planted 25%
    assert f"{f['pct_away']:.2f}% above the close" in top[0].summary
    assert f["swing"] == "high" and f["swing_pct"] == pytest.approx(50.0, abs=1.0)
    assert f["breaks"] == 0 and f["broken_date"] is None and f["nearest"] is True
    assert f["name"] == "June 2010 high" and "June 2010 high" in top[0].summary
    assert f["age_years"] == round((len(s) - 1 - peak) / 252, 6)
    # the planted low at bar 250 is the support, 21% below
    sup = [x.figures for x in _levels(s, "support")]
    assert any(x["level_date"] == s.iso(250) and x["swing"] == "low" for x in sup)
    # levels_of keeps it even beyond the reporting distance; the report then drops it
    assert not [x for x in find_levels(s, find_swings(s), max_distance_pct=20.0)
                if x.figures["level_date"] == s.iso(peak)]


def test_broken_once_flips_role_broken_twice_is_not_support():
    path = zigzag_path([(0, 130.0), (100, 100.0), (200, 125.0), (300, 85.0), (400, 115.0),
                        (440, 112.0)])
    s = make_series(path)
    low = 100
    # after one break (price under the old low): resistance, a former support
    once = s.head(330)
    f = [x.figures for x in _levels(once) if x.figures["level_date"] == s.iso(low)]
    assert f and f[0]["role"] == "resistance" and f[0]["breaks"] == 1
    assert f[0]["broken_date"] is not None and f[0]["broken_date"] > s.iso(200)
    # broken again on the way back up: traded through, no longer support (nor anything)
    twice = _levels(s)
    assert not [x for x in twice if x.figures["level_date"] == s.iso(low)]
    assert not [lv for lv in levels_of(s, find_swings(s)) if lv.idx == low]
    # allowed a second break, it would be the nearest support: the rule is what drops it
    kept = [lv for lv in levels_of(s, find_swings(s), max_breaks=2) if lv.idx == low]
    assert kept and kept[0].breaks == 2 and kept[0].side == 1


def test_round_numbers():
    assert is_round(1500.0) and is_round(2000.0) and is_round(3.0) and is_round(50.2)
    assert not is_round(1576.09) and not is_round(2346.58) and not is_round(0.0)


def test_levels_see_only_swings_confirmed_by_the_last_bar(real_series):
    """A prefix run with the full run's swings equals the run on the prefix alone."""
    s = real_series("GSPC", "daily", "2013-07-08")
    full = find_swings(s)
    n = len(s)
    seen = 0
    for k in range(n - 600, n + 1, 97):
        head = s.head(k)
        a = find_levels(head, full)
        b = find_levels(head, find_swings(head))
        assert [(f.figures, f.summary) for f in a] == [(f.figures, f.summary) for f in b]
        assert all(f.known_at == head.iso(-1) for f in a)
        seen += len(a)
    assert seen > 5


def test_gspc_2012_under_the_2007_highs(real_series):
    """Checked by eye on a rendered daily chart: in September 2012 the S&P 500
    was ~7% under its October 2007 closing-era high (1576.09 intraday), the resistance
    chartists named, with the July 2007 and 2000 highs in the same band."""
    s = real_series("GSPC", "daily", "2012-09-14")
    res = _levels(s, "resistance")
    f = res[0].figures
    assert f["name"] == "October 2007 high" and f["level"] == cent(1576.09) and f["nearest"]
    assert f["distance_pct"] == cent(-7.0)
    assert {"2000-03-24", "2007-07-16", "2007-10-11"} <= set(f["touch_dates"])


def test_gspc_2020_crash_onto_the_december_2018_low(real_series):
    """Checked by eye on a rendered daily chart: on 2020-03-12 the next support
    under the crash was the December 2018 low (2346.58 on 2018-12-26), 5.4% below, and the
    February 2020 high 36.8% above."""
    s = real_series("GSPC", "daily", "2020-03-12")
    sup = [f.figures for f in _levels(s, "support") if f.figures["nearest"]]
    assert sup and sup[0]["name"] == "December 2018 low" and sup[0]["level"] == cent(2346.58)
    assert sup[0]["distance_pct"] == cent(5.71) and sup[0]["pct_away"] == cent(-5.4)
    res = [f.figures for f in _levels(s, "resistance") if f.figures["nearest"]]
    assert res and res[0]["level_date"] == "2020-02-19" and 35 < res[0]["pct_away"] < 40
