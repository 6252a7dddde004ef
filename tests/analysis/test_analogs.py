"""Analogs: a planted past rally identical to the current leg, with a known drawdown after it."""

from __future__ import annotations

import numpy as np
import pytest

from tapereader.analysis.analogs import find_analogs
from tapereader.analysis.channels import current_leg
from tapereader.analysis.series import Series

from .synth import weekly


def planted():
    """Decline to 100; rally 100->130 in 30 weeks; -25% in 10 weeks; recovery to 115;
    a 13% correction to 100; the current leg 100->130 in 30 weeks, identical to the past one."""
    pre = np.linspace(130, 101, 60)
    rally = 100.0 + np.arange(31)                     # 100 .. 130
    drop = np.linspace(130, 97.5, 11)[1:]             # trough 97.5 = -25%
    recover = np.linspace(97.5, 115, 31)[1:]
    correct = np.linspace(115, 100, 11)[1:]
    leg = 100.0 + np.arange(1, 31)
    close = np.r_[pre, rally, drop, recover, correct, leg]
    start = len(pre)
    end = start + 30
    return close, start, end, end + 10


def test_planted_analog_found_with_exact_drawdown_and_trough():
    close, start, end, trough = planted()
    s = weekly(close)
    cur = current_leg(s)
    assert cur is not None and s.iso(cur.start) == s.iso(len(close) - 31)
    fs = find_analogs(s)
    assert fs, "the planted analog was not found"
    f = fs[0].figures
    assert (f["past_start"], f["past_end"]) == (s.iso(start), s.iso(end))
    assert f["similarity"] == 1.0 and f["rank"] == 1
    assert f["after_max_drawdown_pct"] == -25.0
    assert f["after_trough_date"] == s.iso(trough)
    assert f["after_trough_close"] == 97.5
    assert f["past_slope_points_per_week"] == f["current_slope_points_per_week"] == 1.0
    assert f["past_slope_pct_per_year"] == f["current_slope_pct_per_year"]
    assert f["current_start"] == s.iso(cur.start) and f["current_end"] == s.iso(-1)
    assert fs[0].date == fs[0].known_at == s.iso(-1)
    # other analogs never overlap the chosen ones
    spans = [(g.figures["past_start"], g.figures["past_end"]) for g in fs]
    for i, a in enumerate(spans):
        for b in spans[i + 1:]:
            assert a[1] < b[0] or b[1] < a[0]


def test_daily_bars_date_the_trough_to_the_day():
    close, _start, _end, trough = planted()
    s = weekly(close)
    # daily closes: each week's five sessions end on the weekly close; one mid-week dip
    days, closes = [], []
    for k in range(len(s)):
        fri = s.dates[k]
        prev = close[k - 1] if k else close[0]
        for d in range(4, -1, -1):
            days.append(fri - np.timedelta64(d, "D"))
            closes.append(prev + (close[k] - prev) * (5 - d) / 5)
    closes = np.array(closes)
    dip = 5 * (trough + 2) + 2                       # Wednesday two weeks after the trough week
    closes[dip] = 91.0                               # 91 / 130 - 1 = -30%
    n = len(closes)
    daily = Series("SYN", "daily", np.array(days, dtype="datetime64[D]"), closes, closes,
                   closes, closes, np.full(n, np.nan), np.full(n, np.nan))
    f = find_analogs(s, daily=daily)[0].figures
    assert f["after_basis"] == "daily close"
    assert f["after_max_drawdown_pct"] == -30.0
    assert f["after_trough_date"] == str(daily.dates[dip])
    # daily bars after the weekly series' last bar are never read
    crash = Series("SYN", "daily", np.r_[daily.dates, daily.dates[-1] + np.arange(1, 4)],
                   *(np.r_[a, [1.0, 1.0, 1.0]] for a in (closes,) * 4),
                   np.full(n + 3, np.nan), np.full(n + 3, np.nan))
    assert find_analogs(s, daily=crash) == find_analogs(s, daily=daily)


def test_no_analog_while_the_after_window_is_unknown():
    close, _start, end, trough = planted()
    s = weekly(close)

    def past_ends(k):
        return [g.figures["past_end"] for g in find_analogs(s.head(k + 1), current=(end + 11, k))]

    # the six months (26 weeks) after the past rally end at bar end + 26
    assert s.iso(end) not in past_ends(end + 25)
    found = find_analogs(s.head(end + 27), current=(end + 11, end + 26))
    assert [g.figures["past_end"] for g in found][:1] == [s.iso(end)]
    assert found[0].figures["after_trough_date"] == s.iso(trough)
    assert found[0].figures["after_window_end"] == s.iso(end + 26)


def test_short_and_flat_series_give_nothing():
    assert find_analogs(weekly([100.0] * 5)) == []
    assert find_analogs(weekly([100.0] * 300)) == []
    assert find_analogs(weekly(np.linspace(100, 200, 40))) == []


@pytest.mark.realdata
def test_iwm_2010_2011_rally_among_the_analogs(real_series):
    s = real_series("IWM", "weekly", asof="2013-07-08")
    d = real_series("IWM", "daily", asof="2013-07-08")
    fs = find_analogs(s, daily=d)
    assert len(fs) == 3
    hit = [f.figures for f in fs if "2010-07-15" <= f.figures["past_start"] <= "2010-09-30"
           and "2011-04-01" <= f.figures["past_end"] <= "2011-05-31"]
    assert hit, [f.summary for f in fs]
    f = hit[0]
    assert f["current_start"] == "2012-11-16" and f["current_end"] == "2013-07-08"
    assert f["after_max_drawdown_pct"] == pytest.approx(-29.0, abs=1.0)
    assert f["after_trough_date"] == "2011-10-03"
    # steeper in %/year than the current leg, about parallel in points per week
    assert f["past_slope_pct_per_year"] > f["current_slope_pct_per_year"]
    assert f["past_slope_points_per_week"] == pytest.approx(
        f["current_slope_points_per_week"], rel=0.25)


@pytest.mark.realdata
def test_analogs_point_in_time(real_series):
    full_w, full_d = real_series("IWM", "weekly"), real_series("IWM", "daily")
    cut_w = real_series("IWM", "weekly", asof="2013-07-05")
    cut_d = real_series("IWM", "daily", asof="2013-07-05")
    k = int(np.searchsorted(full_w.dates, np.datetime64("2013-07-05")))
    got = find_analogs(full_w.head(k + 1), daily=full_d)     # daily runs on past the cut
    assert got == find_analogs(cut_w, daily=cut_d)
    last = np.datetime64("2013-07-05")
    for f in got:
        assert np.datetime64(f.figures["after_window_end"]) <= last
        assert f.figures["past_end"] <= f.figures["current_start"]


def test_after_window_guard_keeps_unfinished_windows_out():
    """An analog whose after-window is not over by the last bar is never reported: the same
    planted rally is found with a window that ends before the last bar and not with one that
    ends after it (fails if the guard in ``_search`` is removed)."""
    close, _start, end, _trough = planted()
    s = weekly(close)
    cur = (len(close) - 31, len(close) - 1)
    weeks_after = len(close) - 1 - end                    # bars from the past end to the last
    inside = find_analogs(s, current=cur, after_days=7 * weeks_after - 7)
    assert s.iso(end) in [g.figures["past_end"] for g in inside]
    outside = find_analogs(s, current=cur, after_days=7 * weeks_after + 7)
    assert s.iso(end) not in [g.figures["past_end"] for g in outside]


def slow_decline():
    """Rally 100->130 in 30 weeks; a slow 40% decline over 40 weeks (past any six-month
    window); a 28% rally off the low; a dip; the current leg 100->130 in 30 weeks."""
    pre = np.linspace(130, 101, 60)
    rally = 100.0 + np.arange(31)
    decline = np.linspace(130, 78, 41)[1:]
    recover = np.linspace(78, 100, 21)[1:]
    dip = np.linspace(100, 99, 6)[1:]
    leg = 99.0 + np.arange(1, 32)
    close = np.r_[pre, rally, decline, recover, dip, leg]
    return close, len(pre) + 30, len(pre) + 70


def test_decline_measured_to_its_end_not_cut_at_six_months():
    close, end, trough = slow_decline()
    s = weekly(close)
    fs = find_analogs(s, current=(len(close) - 31, len(close) - 1))
    (f,) = [g.figures for g in fs if g.figures["past_end"] == s.iso(end)]
    # the six-month window cuts the decline short ...
    assert f["after_max_drawdown_pct"] > -40.0 + 5
    # ... the decline to its end does not: -40% to the low at bar ``trough``
    assert f["decline_pct"] == pytest.approx(-40.0, abs=1e-6)
    assert f["decline_trough_date"] == s.iso(trough)
    assert f["decline_complete"] is True and f["decline_ended_by"] == "rally"
    first_20 = trough + int(np.flatnonzero(close[trough:] >= 78 * 1.2)[0])
    assert f["decline_end_date"] == s.iso(first_20)
    # the change after 3, 6, 12 months, from the oracle on the weekly closes
    d0 = s.dates[end].astype("datetime64[D]")
    for m in (3, 6, 12):
        t = (d0.astype("datetime64[M]") + m).astype("datetime64[D]") + (
            d0 - d0.astype("datetime64[M]").astype("datetime64[D]"))
        k = int(np.flatnonzero(s.dates.astype("datetime64[D]") <= t)[-1])
        assert f[f"after_{m}m_pct"] == pytest.approx((close[k] / 130 - 1) * 100, abs=1e-6)


def test_decline_not_over_is_not_complete():
    """Negative case: cut the data inside the decline, with a current leg of its own; the
    decline is reported as not complete (no bottom claimed)."""
    close, end, trough = slow_decline()
    s = weekly(close)
    from tapereader.analysis.analogs import _to_the_end

    days = s.dates.astype("datetime64[D]").astype(np.int64)
    out = _to_the_end(s.close[: trough + 3], days[: trough + 3], end, 130.0)
    assert out["decline_complete"] is False and out["decline_end_date"] is None
    assert out["after_12m_pct"] is None or trough + 3 > end + 52
