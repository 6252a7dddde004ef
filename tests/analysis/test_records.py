"""Records: planted records with exact values, real all-time highs, distance, structure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tapereader.analysis.records import find_records, structure_from_swings
from tapereader.analysis.series import Series
from tapereader.analysis.swings import Swings


def make(close, high=None, low=None, start="2015-01-02", timeframe="daily") -> Series:
    close = np.asarray(close, dtype=np.float64)
    n = len(close)
    dates = pd.bdate_range(start, periods=n).values.astype("datetime64[D]")
    high = close + 0.5 if high is None else np.asarray(high, dtype=np.float64)
    low = close - 0.5 if low is None else np.asarray(low, dtype=np.float64)
    nan = np.full(n, np.nan)
    return Series("SYN", timeframe, dates, close.copy(), high, low, close, nan, nan.copy())


def by(fs, kind, basis=None):
    return [f for f in fs if f.kind == kind and (basis is None or f.figures.get("basis") == basis)]


def _planted():
    """400 bars: early peak 150 (bar 20), range 110-130, then records near the end."""
    close = np.full(400, 120.0) + 10 * np.sin(np.arange(400) / 7.0)
    close[20] = 150.0
    # closing records at 392, 393, then a run at 397-398
    close[390:] = [145, 148, 151, 153, 152, 149, 150, 154.5, 156, 155]
    return close


def test_planted_all_time_closing_high():
    close = _planted()
    s = make(close)
    (f,) = by(find_records(s), "all_time_high", "close")
    assert f.date == f.known_at == str(s.dates[398])
    assert f.figures["value"] == 156.0
    # the run 397-398 broke the 153 of bar 393 (the record that stood before the run)
    assert f.figures["previous_value"] == 153.0
    assert f.figures["previous_date"] == str(s.dates[393])
    assert f.figures["run_sessions"] == 2
    assert f.figures["first_date"] == str(s.dates[0])
    # intraday basis: highs are close + 0.5 except a planted spike on bar 399, which extends
    # the run of intraday records 397-399 past the 153.5 high of bar 393
    high = close + 0.5
    high[399] = 158.0
    (g,) = by(find_records(make(close, high=high)), "all_time_high", "high")
    assert (g.date, g.figures["value"]) == (str(s.dates[399]), 158.0)
    assert (g.figures["previous_value"], g.figures["previous_date"]) == (153.5, str(s.dates[393]))
    assert g.figures["run_sessions"] == 3


def test_old_record_is_not_news_and_lows_mirror():
    close = _planted()
    s = make(close[:380])                 # the only record is bar 20, long ago
    assert not by(find_records(s), "all_time_high")
    low = make(300 - close)               # mirror: record lows at the end
    (f,) = by(find_records(low), "all_time_low", "close")
    assert (f.figures["value"], f.figures["previous_value"]) == (300 - 156.0, 300 - 153.0)


def test_planted_52_week_high_not_all_time():
    close = np.full(600, 100.0) + 5 * np.sin(np.arange(600) / 9.0)
    close[50] = 200.0                     # all-time high, more than a year back
    close[400] = 110.0                    # within the last 252 bars before the end
    close[595] = 112.0                    # 52-week closing high, not all-time
    s = make(close)
    fs = find_records(s)
    assert not by(fs, "all_time_high", "close")
    (f,) = by(fs, "new_high_52w", "close")
    assert f.date == str(s.dates[595])
    assert (f.figures["previous_value"], f.figures["previous_date"]) == (110.0, str(s.dates[400]))
    # a 52-week high that is also all-time is reported once, as all-time
    close2 = close.copy()
    close2[598] = 250.0
    fs2 = find_records(make(close2))
    assert [f.date for f in by(fs2, "all_time_high", "close")] == [str(s.dates[598])]
    assert not by(fs2, "new_high_52w", "close")


def test_distance_from_high_planted():
    close = _planted()[:395]
    s = make(close)
    (f,) = by(find_records(s), "distance_from_high", "close")
    assert f.figures["high"] == 153.0 and f.figures["high_date"] == str(s.dates[393])
    assert f.figures["pct"] == pytest.approx((152 / 153 - 1) * 100, abs=1e-6)


def test_structure_from_planted_swings():
    s = make(np.linspace(100, 120, 60))
    sw = Swings(idx=np.array([10, 20, 30, 40]), kind=np.array([1, -1, 1, -1]),
                price=np.array([110.0, 104.0, 115.0, 108.0]), confirm=np.array([12, 22, 32, 42]),
                magnitude=np.full(4, 5.0), scale=np.full(4, 3.0))
    (f,) = structure_from_swings(s, sw)
    assert f.figures["pattern"] == "higher_highs_higher_lows"
    assert f.figures["swing_dates"] == [str(s.dates[i]) for i in (10, 20, 30, 40)]
    sw2 = Swings(sw.idx, sw.kind, np.array([110.0, 104.0, 105.0, 101.0]), sw.confirm,
                 sw.magnitude, sw.scale)
    assert structure_from_swings(s, sw2)[0].figures["pattern"] == "lower_highs_lower_lows"
    sw3 = Swings(sw.idx, sw.kind, np.array([110.0, 104.0, 115.0, 101.0]), sw.confirm,
                 sw.magnitude, sw.scale)
    assert structure_from_swings(s, sw3)[0].figures["pattern"] == "mixed"
    # swings confirmed after the last bar are not known yet
    assert not structure_from_swings(s.head(41), sw)


# --- real data -----------------------------------------------------------------------

@pytest.mark.parametrize("symbol,value", [("RUT", 1009.25), ("IWM", 100.07)])
def test_all_time_closing_high_real(real_series, real_bars, symbol, value):
    s = real_series(symbol, asof="2013-07-08")
    (f,) = by(find_records(s), "all_time_high", "close")
    c = real_bars(symbol, "2013-07-08")["close"]
    assert c.iloc[-1] > c.iloc[:-1].max()          # oracle: it is a record in the data
    assert f.date == "2013-07-08"
    assert f.figures["value"] == round(c.iloc[-1], 6) == value


def test_gspc_not_at_high_real(real_series, real_bars):
    s = real_series("GSPC", asof="2013-07-08")
    fs = find_records(s)
    assert not by(fs, "all_time_high", "close")
    (f,) = by(fs, "distance_from_high", "close")
    c = real_bars("GSPC", "2013-07-08")["close"]
    assert f.figures["high"] == pytest.approx(c.max(), abs=1e-6)      # full precision
    assert round(c.max(), 2) == 1669.16
    assert f.figures["high_date"] == str(c.idxmax().date()) == "2013-05-21"
    assert f.figures["pct"] == pytest.approx((c.iloc[-1] / c.max() - 1) * 100, abs=1e-6)


def test_weekly_record_real(real_series):
    s = real_series("IWM", "weekly", asof="2013-07-08")
    (f,) = by(find_records(s), "all_time_high", "close")
    assert f.date == s.iso(-1)


def test_structure_real_runs(real_series):
    fs = by(find_records(real_series("GSPC", asof="2013-07-08")), "structure")
    assert len(fs) == 1
    assert fs[0].figures["pattern"] in ("higher_highs_higher_lows", "lower_highs_lower_lows",
                                        "mixed")


# --- point in time and robustness -----------------------------------------------------

def test_prefix_events_identical(real_series):
    s = real_series("GSPC", asof="2013-06-05")          # records of May 2013 are recent
    events = [f for f in find_records(s) if f.kind not in ("distance_from_high", "structure",
                                                            "day_move", "market_state")]
    assert events, "expected recent records in May 2013"
    dates = s.dates.astype(str)
    for f in events:
        k = int(np.flatnonzero(dates == f.known_at)[0])
        again = [g for g in find_records(s.head(k + 1)) if g.kind == f.kind
                 and g.figures["basis"] == f.figures["basis"]]
        assert f in again
        assert f.known_at <= dates[-1]


def test_short_flat_and_tiny():
    assert find_records(make([10.0])) == []
    fs = find_records(make(np.full(30, 10.0)))
    assert not by(fs, "all_time_high") and not by(fs, "all_time_low")
    (d,) = by(fs, "distance_from_high", "close")
    assert d.figures["pct"] == 0.0
    fs = find_records(make([10.0, 11.0, 12.0]))
    (f,) = by(fs, "all_time_high", "close")      # bars 1-2 are one run of records past bar 0
    assert (f.figures["value"], f.figures["previous_value"], f.figures["run_sessions"]) == (
        12.0, 10.0, 2)


# --- the day's rank, the market state, record context ------------------------------------

from tapereader.analysis.records import day_move, market_state  # noqa: E402


def test_day_move_rank_and_since_planted():
    close = np.full(300, 100.0) + np.arange(300) * 0.01
    close[100] = close[99] * 0.95             # a 5% drop at bar 100
    close[200] = close[199] * 0.97            # a 3% drop at bar 200
    close[-1] = close[-2] * 0.96              # today: -4%, the worst since bar 100
    s = make(close)
    (f,) = day_move(s)
    assert f.figures["direction"] == "down"
    assert f.figures["pct"] == pytest.approx(-4.0, abs=1e-6)
    assert f.figures["since_date"] == s.iso(100)
    assert f.figures["rank"] == 2 and f.figures["sessions"] == 299
    # the largest drop of the data has no since date; a quiet day's since is recent
    close[-1] = close[-2] * 0.90
    (g,) = day_move(make(close))
    assert g.figures["since_date"] is None and g.figures["rank"] == 1
    close[-1] = close[-2] * 0.9999
    (h,) = day_move(make(close))
    assert h.figures["rank"] == 3 and h.figures["since_date"] == s.iso(200)


def test_market_state_bear_then_bull_planted():
    up = np.linspace(100, 200, 200)            # bull to 200 at bar 199
    down = np.linspace(200, 140, 61)[1:]       # -30%: bear from the first close <= 160
    rally = np.linspace(140, 160, 21)[1:]      # +14% off the low: still a bear market
    s = make(np.concatenate([up, down, rally]))
    (f,) = market_state(s)
    g = f.figures
    assert g["state"] == "bear" and g["high"] == 200.0 and g["high_date"] == s.iso(199)
    first_under = 200 + int(np.flatnonzero(down <= 160.0)[0])
    assert g["state_since"] == s.iso(first_under)
    assert g["low"] == 140.0 and g["pct_off_low"] == pytest.approx((160 / 140 - 1) * 100)
    more = np.linspace(160, 175, 11)[1:]       # +25% off the low: a new bull market
    (b,) = market_state(make(np.concatenate([up, down, rally, more])))
    assert b.figures["state"] == "bull" and b.figures["bull_start"] == s.iso(259)
    # a 12% dip from a high is a correction, a 5% dip is not (negative case)
    (c,) = market_state(make(np.concatenate([up, [176.0]])))
    assert c.figures["state"] == "correction"
    (d,) = market_state(make(np.concatenate([up, [190.0]])))
    assert d.figures["state"] == "bull"


def test_record_context_since_day_before_and_round_number():
    close = np.concatenate([np.linspace(500, 990, 300), np.linspace(990, 900, 50),
                            [995.0, 1003.0]])
    s = make(close)
    (f,) = by(find_records(s), "all_time_high", "close")
    g = f.figures
    assert g["value"] == 1003.0 and g["round_number"] == 1000.0   # first close above 1,000
    assert g["day_before_value"] == 995.0 and g["day_before_date"] == s.iso(len(close) - 2)
    assert g["since_date"] is None
    # a 52-week low that is not the data's lowest: since = the last close as low or lower
    low = np.concatenate([np.linspace(50, 100, 100), np.full(300, 100.0) + np.sin(
        np.arange(300)), [60.0]])
    (h,) = by(find_records(make(low)), "new_low_52w", "close")
    want = int(np.flatnonzero(low[:-1] <= 60.0)[-1])
    assert h.figures["since_date"] == make(low).iso(want)


@pytest.mark.realdata
def test_day_move_and_state_real(real_series, real_bars):
    s = real_series("GSPC", asof="2008-10-15")
    (f,) = day_move(s)
    c = real_bars("GSPC", "2008-10-15")["close"]
    r = c.pct_change().dropna() * 100
    assert f.figures["pct"] == pytest.approx(r.iloc[-1], abs=1e-6)
    assert r.iloc[-1] == r.min() and f.figures["since_date"] is None   # worst day in the data
    (m,) = market_state(s)
    assert m.figures["state"] == "bear"
    assert m.figures["high_date"] == str(c["2003":].idxmax().date()) == "2007-10-09"
    # prefix: the state as of a past date equals the state computed on data cut there
    (m2,) = market_state(real_series("GSPC", asof="2008-07-09"))
    assert m2.figures["state"] == "bear" and m2.figures["state_since"] == "2008-07-09"


def test_a_bear_markets_low_must_hold_planted():
    """A 20% rally ends a bear market only while its low holds: a close under that low
    resumes the same bear market (from its own high and start date); a new 20% fall from
    the rally's high that stays above the low is a new bear market (negative case)."""
    up = np.linspace(100, 200, 200)            # high 200 at bar 199
    down = np.linspace(200, 140, 61)[1:]       # bear from the first close <= 160; low 140
    rally = np.linspace(140, 180, 21)[1:]      # +29% off the low: the bear market ended
    fall = np.linspace(180, 130, 31)[1:]       # under the 140 low: the bear market goes on
    s = make(np.concatenate([up, down, rally, fall]))
    (f,) = market_state(s)
    g = f.figures
    first_under = 200 + int(np.flatnonzero(down <= 160.0)[0])
    assert g["state"] == "bear" and g["high"] == 200.0 and g["high_date"] == s.iso(199)
    assert g["state_since"] == s.iso(first_under) and g["low"] == 130.0
    # the same rally, then a fall of 20% from its high that holds above 140: a new bear
    hold = np.linspace(180, 142, 31)[1:]       # -21% from 180, above the 140 low
    s2 = make(np.concatenate([up, down, rally, hold]))
    (h,) = market_state(s2)
    assert h.figures["state"] == "bear" and h.figures["high"] == 180.0
    assert h.figures["high_date"] == s2.iso(279)
