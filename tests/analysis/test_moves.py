"""Moves: exact changes, YTD, streaks, oversold bounce and overbought on synthetic and real bars."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import talib

from tapereader.analysis.moves import WINDOWS, find_moves
from tapereader.analysis.series import Series


def make(close, high=None, low=None, volume=None, adj=None, start="2019-01-02") -> Series:
    close = np.asarray(close, dtype=np.float64)
    n = len(close)
    dates = pd.bdate_range(start, periods=n).values.astype("datetime64[D]")
    high = close * 1.005 if high is None else np.asarray(high, dtype=np.float64)
    low = close * 0.995 if low is None else np.asarray(low, dtype=np.float64)
    vol = np.full(n, np.nan) if volume is None else np.asarray(volume, dtype=np.float64)
    adj = np.full(n, np.nan) if adj is None else np.asarray(adj, dtype=np.float64)
    return Series("SYN", "daily", dates, close.copy(), high, low, close, vol, adj)


def by_kind(fs, kind):
    return [f for f in fs if f.kind == kind]


# --- synthetic ground truth -------------------------------------------------------------

def test_changes_exact_on_synthetic():
    rng = np.random.default_rng(1)
    close = 100 * np.cumprod(1 + rng.normal(0, 0.01, 400))
    adj = close * np.linspace(0.9, 1.0, 400)           # dividends: adj grows faster
    s = make(close, adj=adj)
    ch = {f.figures["sessions"]: f for f in by_kind(find_moves(s), "change")
          if f.figures["period"] is None}
    assert sorted(ch) == sorted(WINDOWS)
    for w in WINDOWS:
        f = ch[w]
        assert f.figures["pct"] == round((close[-1] / close[-1 - w] - 1) * 100, 6)
        assert f.figures["start_date"] == str(s.dates[-1 - w])
        assert f.figures["total_return_pct"] == round((adj[-1] / adj[-1 - w] - 1) * 100, 6)
        assert f.date == f.known_at == str(s.dates[-1])
        assert f"{f.figures['pct']:+.2f}%" in f.summary


def test_ytd_base_is_last_close_of_previous_year():
    s = make(np.arange(1.0, 301.0) + 100, start="2019-10-01")
    (ytd,) = [f for f in by_kind(find_moves(s), "change") if f.figures["period"] == "ytd"]
    years = s.dates.astype("datetime64[Y]")
    base = int(np.flatnonzero(years < years[-1])[-1])
    assert str(s.dates[base]).startswith("2019-12-31")
    assert ytd.figures["start_date"] == str(s.dates[base])
    assert ytd.figures["sessions"] == len(s) - 1 - base
    assert ytd.figures["pct"] == round((s.close[-1] / s.close[base] - 1) * 100, 6)


def test_no_ytd_without_previous_year_and_short_windows_skipped():
    s = make(np.linspace(100, 110, 30), start="2020-01-02")
    ch = by_kind(find_moves(s), "change")
    assert [f.figures["sessions"] for f in ch] == [1, 5, 9, 21]
    assert not [f for f in ch if f.figures["period"] == "ytd"]
    assert all(f.figures["total_return_pct"] is None for f in ch)


def test_planted_streak():
    close = np.r_[np.full(20, 100.0), 99.0, 101, 102, 103.5, 104, 104.5]   # 5 up closes
    (st,) = by_kind(find_moves(make(close)), "streak")
    assert st.figures == {"direction": "up", "sessions": 5, "pct": round((104.5 / 99 - 1) * 100, 6),
                          "start_date": st.figures["start_date"]}
    assert st.figures["start_date"] == str(make(close).dates[20])
    down = np.r_[np.full(20, 100.0), 101, 100, 99, 98]
    (st,) = by_kind(find_moves(make(down)), "streak")
    assert (st.figures["direction"], st.figures["sessions"]) == ("down", 3)
    assert not by_kind(find_moves(make(np.r_[np.full(20, 100.0), 101, 102, 101])), "streak")


def _pullback_then_bounce():
    """Rally to 120, a 10% slide to a low at bar 90, then a bounce of ~6%."""
    up = np.linspace(100, 120, 70)
    down = np.linspace(120, 108, 21)[1:]               # bars 70..89
    low_bar = np.array([107.0])                        # bar 90: the low
    bounce = np.linspace(108, 113.4, 8)                # bars 91..98
    close = np.r_[up, down, low_bar, bounce]
    high, low = close + 0.3, close - 0.3
    low[90] = 106.0
    return close, high, low


def test_planted_oversold_bounce_by_pullback():
    close, high, low = _pullback_then_bounce()
    s = make(close, high=high, low=low)
    (f,) = by_kind(find_moves(s), "oversold_bounce")
    assert f.date == f.figures["low_date"] == str(s.dates[90])
    assert f.known_at == str(s.dates[-1])
    assert f.figures["low"] == 106.0
    assert f.figures["bounce_pct"] == round((close[-1] / 106.0 - 1) * 100, 6)
    hi = int(np.argmax(close[:91]))
    assert f.figures["prior_high_date"] == str(s.dates[hi])
    assert f.figures["pullback_pct"] == round((107.0 / close[hi] - 1) * 100, 6)
    assert f.figures["oversold_by"]["pullback_pct"] == f.figures["pullback_pct"]
    # confirmation: first close at least 2% above the low
    conf = 91 + int(np.flatnonzero(close[91:] >= 106.0 * 1.02)[0])
    assert f.figures["confirm_date"] == str(s.dates[conf])
    rsi = talib.RSI(close, 14)[90]
    assert ("rsi" in f.figures["oversold_by"]) == (rsi < 30)


def test_no_bounce_when_still_falling_or_no_pullback():
    close, high, low = _pullback_then_bounce()
    s = make(close[:91], high=high[:91], low=low[:91])   # ends on the low itself
    assert not by_kind(find_moves(s), "oversold_bounce")
    gentle = np.r_[np.linspace(100, 120, 70), np.linspace(120, 118, 10), np.linspace(118, 121, 8)]
    assert not by_kind(find_moves(make(gentle)), "oversold_bounce")


def test_overbought_planted():
    close = np.r_[np.full(60, 100.0) + np.sin(np.arange(60)), np.linspace(100, 125, 20)]
    s = make(close)
    (f,) = by_kind(find_moves(s), "overbought")
    rsi = talib.RSI(close, 14)[-1]
    sma = talib.SMA(close, 50)[-1]
    assert rsi > 70
    above = round((close[-1] / sma - 1) * 100, 6)
    assert f.figures == {"rsi": round(rsi, 6), "pct_above_sma50": above}
    assert not by_kind(find_moves(make(close[::-1])), "overbought")


# --- real data -----------------------------------------------------------------------

def _oracle_pct(real_bars, symbol, asof, w):
    c = real_bars(symbol, asof)["close"]
    return (c.iloc[-1] / c.iloc[-1 - w] - 1) * 100, str(c.index[-1 - w].date())


@pytest.mark.parametrize("symbol,expected", [("IWM", 5.66), ("RUT", 6.12)])
def test_nine_sessions_real(real_series, real_bars, symbol, expected):
    s = real_series(symbol, asof="2013-07-08")
    (f,) = [f for f in by_kind(find_moves(s), "change") if f.figures["sessions"] == 9
            and f.figures["period"] is None]
    want, start = _oracle_pct(real_bars, symbol, "2013-07-08", 9)
    assert f.figures["pct"] == pytest.approx(want, abs=0.005)
    assert round(f.figures["pct"], 2) == expected      # kept at full precision
    assert f.figures["start_date"] == start == "2013-06-24"


def test_gspc_oversold_bounce_real(real_series, real_bars):
    s = real_series("GSPC", asof="2013-07-08")
    (f,) = by_kind(find_moves(s), "oversold_bounce")
    df = real_bars("GSPC", "2013-07-08")
    assert f.figures["low_date"] == str(df["low"].iloc[-21:].idxmin().date()) == "2013-06-24"
    assert f.figures["low"] == round(df["low"].iloc[-21:].min(), 6)
    assert f.figures["bounce_pct"] == round((df["close"].iloc[-1] / df["low"].iloc[-21:].min() - 1)
                                            * 100, 6)
    assert f.figures["prior_high_date"] == "2013-05-21"
    assert f.figures["pullback_pct"] <= -5
    assert "pullback_pct" in f.figures["oversold_by"]


def test_qqq_nine_session_streak_real(real_series, real_bars):
    s = real_series("QQQ", asof="2013-07-08")
    (f,) = by_kind(find_moves(s), "streak")
    c = real_bars("QQQ", "2013-07-08")["close"].to_numpy()
    d = np.diff(c)
    k = 0
    while d[-1 - k] > 0:
        k += 1
    assert (f.figures["direction"], f.figures["sessions"]) == ("up", k)
    assert k >= 3


# --- point in time and robustness -----------------------------------------------------

def test_prefix_bounce_and_states(real_series):
    s = real_series("GSPC", asof="2013-07-08")
    (f,) = by_kind(find_moves(s), "oversold_bounce")
    conf = int(np.flatnonzero(s.dates.astype(str) == f.figures["confirm_date"])[0])
    p = s.head(conf + 1)
    (g,) = by_kind(find_moves(p), "oversold_bounce")
    stable = ("low_date", "low", "low_close", "oversold_by", "prior_high", "prior_high_date",
              "pullback_pct", "confirm_date", "rsi")
    assert {k: f.figures[k] for k in stable} == {k: g.figures[k] for k in stable}
    assert not by_kind(find_moves(s.head(conf)), "oversold_bounce")
    for f in find_moves(s):
        assert f.known_at <= str(s.dates[-1])


@pytest.mark.parametrize("n", [1, 2, 3, 10])
def test_short_history(n):
    fs = find_moves(make(np.linspace(10, 11, n)))
    assert all(f.figures["sessions"] < n for f in fs if f.kind == "change")


def test_flat_prices_no_volume():
    fs = find_moves(make(np.full(300, 50.0)))
    assert {f.kind for f in fs} == {"change"}
    assert all(f.figures["pct"] == 0.0 for f in fs)

