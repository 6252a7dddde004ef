"""Gaps: planted gaps (exact bounds, partly filled, filled), a real one, no look-ahead."""

from __future__ import annotations

import numpy as np
import pytest

from tapereader.analysis.gaps import find_gaps, open_gaps

from .synth import make_series


def cent(x):
    """Equal to ``x`` at the cent (figures keep full precision)."""
    return pytest.approx(x, abs=0.005)

def _gapped(fill_to: float | None = None):
    """Closes rise 100 -> 110 over 40 bars, gap up 3% at bar 40, climb to 125 by bar 99;
    with ``fill_to`` a later bar (90) dips to that low."""
    close = np.r_[np.linspace(100, 110, 40), np.linspace(113.3, 125, 60)]
    s = make_series(close, spread_pct=0.2)
    open_ = s.open.copy()
    open_[40] = 113.3
    s = make_series(close, open_=open_, spread_pct=0.2)
    low = s.low.copy()
    if fill_to is not None:
        low[90] = fill_to
        s = make_series(close, open_=open_, low=low, high=s.high, spread_pct=0.2)
    return s


def test_planted_gap_is_a_support_zone_with_exact_bounds():
    s = _gapped()
    g0, g1 = float(s.high[39]), float(s.low[40])
    assert g1 > g0  # the planted gap
    fs = [f for f in find_gaps(s) if f.figures["gap_date"] == s.iso(40)]
    assert len(fs) == 1
    f = fs[0].figures
    assert f["role"] == "support" and f["direction"] == "up"
    assert (f["low"], f["high"]) == (round(g0, 6), round(g1, 6))
    assert f["partly_filled"] is False and f["filled_pct"] == 0
    assert f["distance_pct"] == round((s.close[-1] / g1 - 1) * 100, 6)
    assert fs[0].known_at == s.iso(-1) and s.iso(40) in fs[0].summary


def test_partly_filled_gap_keeps_what_is_open():
    s = _gapped()
    g0, g1 = float(s.high[39]), float(s.low[40])
    mid = (g0 + g1) / 2
    p = _gapped(fill_to=mid)
    f = next(x.figures for x in find_gaps(p) if x.figures["gap_date"] == p.iso(40))
    assert f["partly_filled"] is True
    assert (f["low"], f["high"]) == (round(g0, 6), round(mid, 6))
    assert f["filled_pct"] == pytest.approx(50.0, abs=0.01)
    assert f["gap_high"] == round(g1, 6)


def test_filled_gap_is_not_a_zone():
    s = _gapped()
    filled = _gapped(fill_to=float(s.high[39]) - 0.01)
    assert not [f for f in find_gaps(filled) if f.figures["gap_date"] == filled.iso(40)]
    assert not [g for g in open_gaps(filled) if g["bar"] == 40]
    # before the filling bar it was still a zone
    assert [f for f in find_gaps(filled.head(90)) if f.figures["gap_date"] == filled.iso(40)]


def test_gap_down_is_resistance_and_small_gaps_are_noise():
    close = np.r_[np.linspace(120, 110, 40), np.linspace(106, 100, 40)]
    open_ = np.r_[close[:1], close[:-1]]
    open_[40] = 106.0
    s = make_series(close, open_=open_, spread_pct=0.2)
    f = next(x for x in find_gaps(s) if x.figures["gap_date"] == s.iso(40)).figures
    assert f["role"] == "resistance" and f["direction"] == "down"
    assert (f["low"], f["high"]) == (round(float(s.high[40]), 6), round(float(s.low[39]), 6))
    assert f["distance_pct"] < 0
    assert not [x for x in find_gaps(s, min_pct=5.0) if x.figures["gap_date"] == s.iso(40)]


def test_no_look_ahead():
    s = _gapped(fill_to=None)
    for n in range(42, len(s) + 1, 5):
        got = find_gaps(s.head(n))
        assert all(f.known_at == s.iso(n - 1) for f in got)
        # the gap's own facts do not change with later bars
        f = [x.figures for x in got if x.figures["gap_date"] == s.iso(40)]
        assert f and f[0]["gap_low"] == round(float(s.high[39]), 6)
    # every gap open at a prefix was open, at least partly, at each bar since its own
    full = _gapped(fill_to=float(s.high[39]) + 0.5)
    for n in range(45, len(full) + 1, 9):
        bars = {g["bar"] for g in open_gaps(full.head(n))}
        assert 40 in bars


def test_gspc_february_2020_gap_down_is_resistance(real_series):
    """Checked on the chart: GSPC gapped down on Monday 2020-02-24 (high 3259.81 under the
    Friday low 3328.45); on 2020-06-01 that gap was still open above the close."""
    s = real_series("GSPC", "daily", "2020-06-01")
    f = [x.figures for x in find_gaps(s) if x.figures["gap_date"] == "2020-02-24"]
    assert f and f[0]["role"] == "resistance" and f[0]["partly_filled"] is False
    assert (f[0]["low"], f[0]["high"]) == cent((3259.81, 3328.45))
    # partly filled by 2020-08-04 (high 3306.84), filled on 2020-08-05 (high 3330.77)
    s4 = real_series("GSPC", "daily", "2020-08-04")
    part = [g for g in open_gaps(s4) if s4.iso(g["bar"]) == "2020-02-24"]
    assert len(part) == 1 and part[0]["partly_filled"]
    assert round(part[0]["low"], 2) == 3306.84
    s5 = real_series("GSPC", "daily", "2020-08-05")
    assert not [g for g in open_gaps(s5) if s5.iso(g["bar"]) == "2020-02-24"]
