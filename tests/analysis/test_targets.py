"""Targets: distance to the next resistance/support or prior extreme, with its basis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tapereader.analysis.lib import month_year, pct, r6
from tapereader.analysis.series import Series
from tapereader.analysis.targets import find_targets
from tapereader.analysis.zones import find_zones


def cent(x):
    """Equal to ``x`` at the cent (figures keep full precision)."""
    return pytest.approx(x, abs=0.005)

def _series(close, high, low, symbol: str = "SYN") -> Series:
    n = len(close)
    dates = np.datetime64("2020-01-01") + np.arange(n).astype("timedelta64[D]")
    c = np.asarray(close, dtype=np.float64)
    return Series(symbol, "daily", dates, c.copy(), np.asarray(high, dtype=np.float64),
                  np.asarray(low, dtype=np.float64), c, np.full(n, 1e6), c.copy())


def _range_bound(n: int = 110) -> Series:
    """Three equal highs at exactly 110 (bars 20, 50, 80) and three equal lows at exactly 100
    (bars 0, 35, 65, 95), other bars well inside; the last close is 104 (bar n-1)."""
    knots = [(0, 100.0), (20, 110.0), (35, 100.0), (50, 110.0), (65, 100.0), (80, 110.0),
             (95, 100.0), (n - 1, 104.0)]
    xs, ys = zip(*knots, strict=True)
    close = np.interp(np.arange(n), xs, ys)
    high, low = close + 0.1, close - 0.1
    for p in (20, 50, 80):
        high[p] = close[p] = 110.0
    for p in (0, 35, 65, 95):
        low[p] = close[p] = 100.0
    return _series(close, high, low)


def test_range_gives_up_and_down_targets_at_the_planted_levels():
    s = _range_bound()
    ts = find_targets(s)
    up = [t for t in ts if t.figures["direction"] == "up"]
    down = [t for t in ts if t.figures["direction"] == "down"]
    assert len(up) == 1 and len(down) == 1, [t.summary for t in ts]
    u, d = up[0].figures, down[0].figures
    assert u["level"] == 110.0 and u["pct"] == r6(pct(110.0, 104.0))
    assert d["level"] == 100.0 and d["pct"] == r6(pct(100.0, 104.0)) < 0
    # the zone, the year's extreme and the all-time extreme are the same level: one target
    assert u["basis"].startswith("resistance zone 110.0-110.0")
    assert "all-time high" in u["basis"] and month_year(s.iso(20)) in u["basis"]
    assert d["basis"].startswith("support zone 100.0-100.0")
    assert up[0].date == up[0].known_at == s.iso(-1)


def test_prior_high_without_a_zone_and_the_all_time_high_beyond_it():
    # an old all-time high at 118, a lower 1-year high at 112, close at 105
    n = 400
    close = np.interp(np.arange(n), [0, 30, 120, 300, n - 1], [100, 118, 95, 112, 105])
    s = _series(close, close + 0.3, close - 0.3)
    ts = [t for t in find_targets(s, zones=[]) if t.figures["direction"] == "up"]
    assert [t.figures["source"] for t in ts] == ["prior_extreme", "all_time"]
    assert ts[0].figures["level"] == r6(112.3) and ts[0].figures["basis_date"] == s.iso(300)
    assert ts[0].figures["basis"] == f"{month_year(s.iso(300))} high"
    assert ts[1].figures["level"] == r6(118.3) and ts[1].figures["basis"] == "all-time high"
    assert ts[1].figures["pct"] == r6(pct(118.3, 105))
    assert ts[0].score > ts[1].score  # nearest first


def test_a_high_set_on_the_last_bar_is_not_a_target():
    n = 60
    close = np.linspace(100, 120, n)
    s = _series(close, close + 0.5, close - 0.5)
    assert [t for t in find_targets(s) if t.figures["direction"] == "up"] == []


@pytest.mark.parametrize("n", [0, 1, 2, 10])
def test_short_and_flat_series(n):
    s = _series(np.full(n, 10.0), np.full(n, 10.0), np.full(n, 10.0))
    assert find_targets(s) == []


# --------------------------------------------------------------------- real data

def _oracle_year_high(real_bars, symbol: str, asof: str) -> tuple[float, str]:
    """Highest high of the 252 bars before ``asof`` (pandas, independent of the engine)."""
    df = real_bars(symbol, asof)
    prior = df.iloc[-253:-1]
    return float(prior["high"].max()), str(prior["high"].idxmax().date())


@pytest.mark.realdata
@pytest.mark.parametrize("symbol,asof,low,high", [
    ("QQQ", "2013-07-08", 2.5, 3.5),  # the reference post: QQQ ~3% under its May 2013 high
    ("GSPC", "2013-01-15", 0.0, 0.5),  # 1472.34 vs the September 2012 high 1474.51
])
def test_real_upside_target_to_the_prior_high(real_series, real_bars, symbol, asof, low, high):
    s = real_series(symbol, "daily", asof)
    level, date = _oracle_year_high(real_bars, symbol, asof)
    ts = [t for t in find_targets(s) if t.figures["direction"] == "up"
          and t.figures["source"].startswith("prior_extreme")]
    assert len(ts) == 1, [t.summary for t in find_targets(s)]
    t = ts[0].figures
    assert t["level"] == r6(level) and t["basis_date"] == date
    assert t["basis"].startswith(f"{month_year(date)} high")
    assert low <= t["pct"] <= high
    assert t["pct"] == r6(pct(level, s.close[-1]))


@pytest.mark.realdata
def test_real_nearest_upside_target_is_the_gspc_resistance_zone(real_series):
    s = real_series("GSPC", "daily", "2013-07-08")
    zones = find_zones(s)
    ts = [t for t in find_targets(s, zones) if t.figures["direction"] == "up"]
    nearest = min(ts, key=lambda t: t.figures["pct"])
    assert nearest.figures["source"] == "zone"
    assert 1640 <= nearest.figures["level"] <= 1655 and 0 < nearest.figures["pct"] < 1
    # GSPC is not at an all-time high: the May 2013 high (1687.18) is also the all-time high
    ath = [t for t in ts if "all_time" in t.figures["source"]]
    assert len(ath) == 1 and ath[0].figures["level"] == cent(1687.18)
    assert ath[0].figures["basis"] == "May 2013 high (the all-time high)"


@pytest.mark.realdata
def test_real_targets_unchanged_by_later_bars(real_series):
    full = real_series("IWM", "daily", "2015-12-31")
    s = real_series("IWM", "daily", "2013-07-08")
    assert find_targets(full.head(len(s))) == find_targets(s)
    assert pd.Timestamp(full.iso(-1)) > pd.Timestamp(s.iso(-1))


def test_targets_use_the_memory_of_levels(real_series):
    """The 2020 crash: 'the next support is the December 2018 low, 5.4% below' comes from
    the memory of levels (beyond the zones' two-year window); without it, no such target."""
    from tapereader.analysis.levels import levels_of
    from tapereader.analysis.swings import find_swings

    s = real_series("GSPC", "daily", "2020-03-12")
    sw = find_swings(s)
    down = [f.figures for f in find_targets(s, swings=sw, levels=levels_of(s, sw))
            if f.figures["direction"] == "down"]
    mem = [f for f in down if f["source"] == "major_level"]
    assert mem and mem[0]["basis"] == "December 2018 low" and mem[0]["level"] == cent(2346.58)
    assert mem[0]["pct"] == cent(-5.4) and mem[0]["basis_date"] == "2018-12-26"
    assert not [f for f in find_targets(s, swings=sw) if f.figures["source"] == "major_level"]
