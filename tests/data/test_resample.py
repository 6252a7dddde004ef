"""Weekly and monthly bars: hand-computed real GSPC bars, and properties over random bars."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tapereader.data import cut, read_bars, resample, sessions, validate_frame


@pytest.fixture(scope="module")
def gspc(market_dir):
    bars, _ = read_bars(market_dir / "GSPC.csv")
    return bars


# Values read by hand from GSPC.csv (open of the first session, max high, min low,
# close of the last session, number of sessions). Label = last session of the period.
# (timeframe, asof, label, open, high, low, close, sessions, partial)
HAND = [
    ("weekly", None, "2013-06-21", 1630.64, 1654.19, 1577.70, 1592.43, 5, False),
    # Independence Day week: Mon-Wed + Fri
    ("weekly", None, "2013-07-05", 1609.78, 1632.07, 1604.57, 1631.89, 4, False),
    # Thanksgiving week: Mon-Wed + Fri
    ("weekly", None, "2012-11-23", 1359.88, 1409.16, 1359.88, 1409.15, 4, False),
    # Christmas week: Mon, Wed-Fri
    ("weekly", None, "2012-12-28", 1430.15, 1430.15, 1401.58, 1402.43, 4, False),
    # New Year week across the year end: 2012-12-31, 2013-01-02..04
    ("weekly", None, "2013-01-04", 1402.43, 1467.94, 1398.11, 1466.47, 4, False),
    ("monthly", None, "2013-06-28", 1631.71, 1654.19, 1560.33, 1606.28, 20, False),
    # as of Monday 2013-07-08: the running week/month, labelled by its last session so far
    ("weekly", "2013-07-08", "2013-07-08", 1634.20, 1644.68, 1634.20, 1640.46, 1, True),
    ("weekly", "2013-07-08", "2013-07-05", 1609.78, 1632.07, 1604.57, 1631.89, 4, False),
    ("monthly", "2013-07-08", "2013-07-08", 1609.78, 1644.68, 1604.57, 1640.46, 5, True),
]


@pytest.mark.parametrize(("tf", "asof", "label", "o", "h", "lo", "c", "n", "partial"), HAND)
def test_gspc_bars_match_hand_values(gspc, tf, asof, label, o, h, lo, c, n, partial):
    bars = resample(gspc, tf, asof)
    row = bars.loc[pd.Timestamp(label)]
    np.testing.assert_allclose(row[["open", "high", "low", "close"]].to_numpy(dtype=float),
                               [o, h, lo, c], atol=0.005)
    assert row["sessions"] == n
    assert bool(row["partial"]) is partial


def test_gspc_thanksgiving_week_volume_is_summed(gspc):
    row = resample(gspc, "weekly").loc["2012-11-23"]
    assert row["volume"] == 3374800000 + 3207160000 + 2667090000 + 1504960000


def test_asof_cuts_everything_after_it(gspc):
    weekly = resample(gspc, "weekly", "2013-07-08")
    assert weekly.index[-1] == pd.Timestamp("2013-07-08")
    assert weekly["partial"].sum() == 1  # only the last bar can be partial
    # a Saturday asof closes the week: nothing partial
    sat = resample(gspc, "weekly", "2013-07-06")
    assert sat.index[-1] == pd.Timestamp("2013-07-05") and not sat["partial"].any()
    # Friday 2022-11-18 is the file's last row and the week's last session
    assert not resample(gspc, "weekly")["partial"].iloc[-1]


def test_unknown_timeframe(gspc):
    with pytest.raises(ValueError, match="unknown timeframe"):
        resample(gspc, "hourly")


def test_empty_after_cut(gspc):
    out = resample(gspc, "weekly", "1999-01-01")
    assert out.empty and {"sessions", "partial"} <= set(out.columns)


# ---------------------------------------------------------------- properties

ALL = sessions("2000-01-03", "2020-12-31")


@st.composite
def daily_bars(draw):
    """Valid daily bars on real XNYS sessions, some sessions missing (gaps)."""
    n = draw(st.integers(1, 150))
    start = draw(st.integers(0, len(ALL) - 400))
    keep = np.array(draw(st.lists(st.booleans(), min_size=n * 2, max_size=n * 2)))
    keep[0] = True
    dates = ALL[start:start + 2 * n][keep]
    m = len(dates)
    floats = st.floats(-0.05, 0.05, allow_nan=False)
    ret = np.array(draw(st.lists(floats, min_size=m, max_size=m)))
    gap = np.array(draw(st.lists(floats, min_size=m, max_size=m)))
    up = np.abs(draw(st.lists(floats, min_size=m, max_size=m)))
    dn = np.abs(draw(st.lists(floats, min_size=m, max_size=m)))
    close = 100 * np.cumprod(1 + ret)
    open_ = np.concatenate([[100.0], close[:-1]]) * (1 + gap)
    vol = np.array(draw(st.lists(st.integers(0, 10**6), min_size=m, max_size=m)), float)
    df = pd.DataFrame({"date": dates, "open": open_, "close": close, "volume": vol,
                       "high": np.maximum(open_, close) * (1 + up),
                       "low": np.minimum(open_, close) * (1 - dn)})
    bars, _ = validate_frame(df, "hypothesis")
    return bars


def _oracle(bars: pd.DataFrame, tf: str) -> pd.DataFrame:
    """Independent pandas groupby on calendar periods (week ending Friday / month)."""
    key = bars.index.to_period("W-FRI" if tf == "weekly" else "M")
    g = bars.groupby(key)
    out = g.agg(open=("open", "first"), high=("high", "max"), low=("low", "min"),
                close=("close", "last"), volume=("volume", "sum"))
    out.index = pd.DatetimeIndex(bars.index.to_series().groupby(key).last().to_numpy(),
                                 name="date")
    out["sessions"] = g.size().to_numpy()
    return out


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(daily_bars(), st.sampled_from(["weekly", "monthly"]))
def test_resample_preserves_extremes_and_last_close(bars, tf):
    out = resample(bars, tf)
    assert out["high"].max() == bars["high"].max()
    assert out["low"].min() == bars["low"].min()
    assert out["close"].iloc[-1] == bars["close"].iloc[-1]
    assert out["open"].iloc[0] == bars["open"].iloc[0]
    assert out["sessions"].sum() == len(bars)
    assert out.index[-1] == bars.index[-1]
    assert (out["high"] >= out[["open", "close"]].max(axis=1)).all()
    assert (out["low"] <= out[["open", "close"]].min(axis=1)).all()
    oracle = _oracle(bars, tf)
    pd.testing.assert_frame_equal(out[oracle.columns], oracle, check_dtype=False)


@SETTINGS
@given(daily_bars(), st.sampled_from(["weekly", "monthly"]), st.integers(0, 400))
def test_resample_of_cut_is_prefix_of_full(bars, tf, offset):
    """resample(cut(bars, d)) equals resample(bars) on every complete bar up to d."""
    asof = bars.index[0] + pd.Timedelta(days=offset)  # any day, session or not
    full = resample(bars, tf)
    part = resample(cut(bars, asof), tf, asof)
    complete = part[~part["partial"]]
    pd.testing.assert_frame_equal(complete.drop(columns="partial"),
                                  full.iloc[:len(complete)].drop(columns="partial"))
    assert part["partial"].iloc[:-1].sum() == 0
    if part["partial"].iloc[-1]:
        # still running at asof: the calendar has a session in this period after asof
        nxt = sessions(asof + pd.Timedelta(days=1), asof + pd.Timedelta(days=40))[0]
        key = "W-FRI" if tf == "weekly" else "M"
        assert nxt.to_period(key) == part.index[-1].to_period(key)
        assert part.index[-1] <= asof
