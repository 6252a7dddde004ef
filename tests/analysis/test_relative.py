"""Relative: exact % differences, ratio highs, rankings and cross-asset returns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tapereader.analysis.relative import find_cross_asset, find_leadership, find_relative
from tapereader.analysis.series import Series


def make(symbol, close, dates=None, adj=None, start="2019-01-02") -> Series:
    close = np.asarray(close, dtype=np.float64)
    n = len(close)
    if dates is None:
        dates = pd.bdate_range(start, periods=n).values.astype("datetime64[D]")
    adj = np.full(n, np.nan) if adj is None else np.asarray(adj, dtype=np.float64)
    return Series(symbol, "daily", np.asarray(dates), close.copy(), close * 1.01, close * 0.99,
                  close, np.full(n, np.nan), adj)


def by(fs, **kw):
    return [f for f in fs if all(getattr(f, k) == v for k, v in kw.items())]


# --- synthetic ground truth -------------------------------------------------------------

def test_pct_diff_exact_and_aligned_on_common_dates():
    n = 300
    dates = pd.bdate_range("2019-01-02", periods=n).values.astype("datetime64[D]")
    a = np.full(n, 100.0)
    a[-10:] = 100.0 + np.arange(1, 11)          # 101 .. 110: +10% over the last 10 bars
    b = np.full(n, 50.0)
    b[-10:] = 50.0 + 0.1 * np.arange(1, 11)     # 50.1 .. 51: +2%
    # b lacks one date inside the window: alignment must drop it from a as well
    hole = n - 5
    sb = make("B", np.delete(b, hole), dates=np.delete(dates, hole))
    sa = make("A", a, dates=dates)
    fs = find_relative({"A": sa, "B": sb}, [("A", "B")], windows=(9,))
    assert len(fs) == 1
    f = fs[0]
    assert (f.symbol, f.other_symbol, f.date) == ("A", "B", str(dates[-1]))
    # 9 common sessions back from the last date skips the hole: base is 11 bars back in a
    base = n - 1 - 10
    assert f.figures["start_date"] == str(dates[base])
    exp_a = (a[-1] / a[base] - 1) * 100
    exp_b = (b[-1] / b[base] - 1) * 100
    assert f.figures["a_pct"] == round(exp_a, 6) == 10.0
    assert f.figures["b_pct"] == round(exp_b, 6) == 2.0
    assert f.figures["pct_diff"] == 8.0
    assert f.figures["ratio_new_high"] is True
    assert f.figures["ratio_high_date"] == str(dates[-1])


def test_ratio_new_high_false_when_high_is_old():
    n = 300
    a = np.r_[np.linspace(100, 150, 100), np.linspace(149, 120, 200)]
    b = np.full(n, 100.0)
    f = find_relative({"A": make("A", a), "B": make("B", b)}, [("A", "B")], windows=(21,))[0]
    assert f.figures["ratio_new_high"] is False
    assert f.figures["ratio_high_date"] == make("A", a).iso(99)
    assert f.figures["pct_diff"] < 0


def test_leadership_ranking_exact():
    n = 100
    moves = {"X": 0.05, "Y": -0.03, "Z": 0.12}
    series = {}
    for sym, m in moves.items():
        c = np.full(n, 80.0)
        c[-21:] = 80.0 * (1 + m * np.arange(1, 22) / 21)
        series[sym] = make(sym, c)
    fs = find_leadership(series, ["X", "Y", "Z"], windows=(21, 9))
    f21 = next(f for f in fs if f.figures["sessions"] == 21)
    assert f21.symbol == "Z"
    assert f21.figures["ranking"] == [{"symbol": "Z", "pct": 12.0}, {"symbol": "X", "pct": 5.0},
                                      {"symbol": "Y", "pct": -3.0}]
    assert [r["symbol"] for r in fs[1].figures["ranking"]] == ["Z", "X", "Y"]


def test_cross_asset_uses_total_return_and_ytd_base():
    dates = pd.bdate_range("2018-12-20", "2019-03-29").values.astype("datetime64[D]")
    n = len(dates)
    base = int(np.flatnonzero(dates < np.datetime64("2019-01-01"))[-1])
    stock = np.linspace(100, 110, n)
    bond_close = np.full(n, 100.0)
    bond_adj = np.full(n, 100.0)
    bond_adj[base + 1:] = 103.0                   # income: flat price, +3% total return
    fs = find_cross_asset({"S": make("S", stock, dates),
                           "T": make("T", bond_close, dates, adj=bond_adj)},
                          {"S": "benchmark", "T": "bonds"}, periods=("ytd", 21))
    ytd = next(f for f in fs if f.figures["period"] == "ytd")
    assert ytd.symbol == "*"
    assert ytd.figures["start_date"] == str(dates[base])
    assert ytd.figures["returns"]["T"] == pytest.approx(3.0, abs=1e-6)
    assert ytd.figures["basis"] == {"S": "close", "T": "adj_close"}
    assert ytd.figures["returns"]["S"] == round((stock[-1] / stock[base] - 1) * 100, 6)
    assert ytd.figures["roles"] == {"S": "benchmark", "T": "bonds"}
    assert ytd.figures["best"] == "S"
    w21 = next(f for f in fs if f.figures["period"] == 21)
    assert w21.figures["returns"]["T"] == 0.0


def test_short_series_give_nothing_and_missing_symbol_is_named():
    one = {"A": make("A", [1.0]), "B": make("B", [2.0])}
    assert find_relative(one, [("A", "B")]) == []
    assert find_leadership(one, ["A", "B"]) == []
    assert find_cross_asset(one, {"A": "benchmark", "B": "bonds"}) == []
    short = {"A": make("A", np.arange(1.0, 6.0)), "B": make("B", np.arange(2.0, 7.0))}
    assert find_relative(short, [("A", "B")], windows=(9, 21)) == []
    with pytest.raises(KeyError, match="QQQ"):
        find_relative(short, [("A", "QQQ")])


def test_prefix_state_uses_only_the_prefix():
    rng = np.random.default_rng(3)
    a = 100 * np.cumprod(1 + rng.normal(0, 0.01, 400))
    b = 100 * np.cumprod(1 + rng.normal(0, 0.01, 400))
    sa, sb = make("A", a), make("B", b)
    for k in (120, 250, 399):
        head = {"A": sa.head(k + 1), "B": sb.head(k + 1)}
        for f in find_relative(head, [("A", "B")]) + find_leadership(head, ["A", "B"]):
            assert f.date == f.known_at == sa.iso(k)
        # later bars changed wildly: the prefix findings do not move
        a2 = a.copy()
        a2[k + 1:] *= 3
        head2 = {"A": make("A", a2).head(k + 1), "B": sb.head(k + 1)}
        assert find_relative(head, [("A", "B")]) == find_relative(head2, [("A", "B")])


# --- real data ----------------------------------------------------------------------------

@pytest.mark.realdata
def test_iwm_ahead_of_qqq_and_spy(real_series):
    s = {sym: real_series(sym, asof="2013-07-08") for sym in ("IWM", "QQQ", "SPY")}
    fs = find_relative(s, [("IWM", "QQQ"), ("IWM", "SPY")])
    assert len(fs) == 6
    for f in fs:
        assert f.date == "2013-07-08"
        assert f.figures["pct_diff"] > 0, f.summary
    nine = by(fs, other_symbol="QQQ")[0]
    assert nine.figures["sessions"] == 9 and round(nine.figures["a_pct"], 2) == 5.66
    lead = find_leadership(s, ["IWM", "QQQ", "SPY"])
    assert [f.symbol for f in lead] == ["IWM"] * 3


@pytest.mark.realdata
def test_stocks_ahead_of_bonds_commodities_credit_ytd(real_series):
    roles = {"SPY": "benchmark", "IWM": "small_caps", "TLT": "bonds", "DBC": "commodities",
             "HYG": "credit"}
    s = {sym: real_series(sym, asof="2013-07-08") for sym in roles}
    fs = find_cross_asset(s, roles)
    ytd = next(f for f in fs if f.figures["period"] == "ytd")
    r = ytd.figures["returns"]
    assert ytd.figures["start_date"] == "2012-12-31"
    assert all(ytd.figures["basis"][k] == "adj_close" for k in roles)
    for stock in ("SPY", "IWM"):
        for other in ("TLT", "DBC", "HYG"):
            assert r[stock] > r[other], (stock, other, r)


def _ratio_peak(n: int, peak_ago: int, old_peak: float | None = None) -> np.ndarray:
    """A's closes (B flat at 100): rising to a peak ``peak_ago`` sessions before the last
    bar, easing after; ``old_peak`` puts a higher ratio 300 sessions back."""
    a = np.linspace(100.0, 130.0, n)
    top = n - 1 - peak_ago
    a[top] = 140.0
    a[top + 1:] = np.linspace(135.0, 131.0, n - top - 1) if peak_ago else a[top + 1:]
    if old_peak is not None:
        a[n - 301] = old_peak
    return a


@pytest.mark.parametrize("peak_ago,new_high", [(0, True), (4, True), (5, False), (6, False)])
def test_ratio_new_high_window_is_the_last_five_sessions(peak_ago, new_high):
    """Issue 12: the new-high window (RATIO_RECENT = 5 sessions) at its edges."""
    n = 400
    pair = {"A": make("A", _ratio_peak(n, peak_ago)), "B": make("B", np.full(n, 100.0))}
    fs = find_relative(pair, [("A", "B")], windows=(21,))
    f = fs[0].figures
    assert f["ratio_new_high"] is new_high
    assert f["ratio_high_date"] == make("A", np.ones(n)).iso(n - 1 - peak_ago)


def test_ratio_high_is_taken_over_the_last_year_only():
    """A higher ratio 300 sessions back is outside the 252-session lookback: today's ratio
    high of the year is still a new high."""
    n = 400
    a = _ratio_peak(n, 0, old_peak=200.0)
    f = find_relative({"A": make("A", a), "B": make("B", np.full(n, 100.0))}, [("A", "B")],
                      windows=(21,))[0].figures
    assert f["ratio_lookback"] == 252 and f["ratio_new_high"] is True
    assert f["ratio_high_date"] == make("A", a).iso(n - 1)
    # ... and inside it, the older high wins
    a2 = a.copy()
    a2[n - 200] = 200.0
    g = find_relative({"A": make("A", a2), "B": make("B", np.full(n, 100.0))}, [("A", "B")],
                      windows=(21,))[0].figures
    assert g["ratio_new_high"] is False and g["ratio_high_date"] == make("A", a2).iso(n - 200)
