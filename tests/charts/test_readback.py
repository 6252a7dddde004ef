"""Read the drawn artists back (matplotlib data coordinates) and compare them with the findings
and with independent pandas computations on the raw closes: a line drawn 10% off fails."""

import numpy as np
import pandas as pd
import pytest

from tests.charts.rendered import rendered


def artist(fig, gid, ax=0):
    axes = fig.axes[ax]
    found = [a for a in [*axes.lines, *axes.collections, *axes.patches] if a.get_gid() == gid]
    assert len(found) == 1, (gid, [a.get_gid() for a in axes.get_children()])
    return found[0]


def closes(market_dir, symbol, asof):
    df = pd.read_csv(market_dir / f"{symbol}.csv", parse_dates=["date"], index_col="date")
    return df.loc[:asof, "close"]


def log_interp(x, xs, ys):
    return float(np.exp(np.interp(x, xs, np.log(ys))))


@pytest.mark.realdata
def test_trend_line_is_drawn_where_the_finding_puts_it(market_dir):
    d = rendered(market_dir, "2013-07-08")
    spec = next(s for s in d.specs if s.kind == "trend")
    g = spec.line.figures
    ln = artist(d.figs["trend"], "trendline")
    xs, ys = (np.asarray(v, float) for v in ln.get_data())
    index = d.charts["trend"].geometry["index"]          # bar position -> week shown on the axis
    assert index[-1] == "2013-07-08"
    # through the first anchor's price at its week, and through value_at_asof on the last bar
    weeks = pd.DatetimeIndex(index)
    x0 = int(weeks.searchsorted(pd.Timestamp(g["anchors"][0])))
    assert log_interp(x0, xs, ys) == pytest.approx(g["anchor_prices"][0], rel=1e-9)
    assert log_interp(len(index) - 1, xs, ys) == pytest.approx(g["value_at_asof"], rel=1e-9)
    # and near every other anchor (the detector's touch tolerance)
    for a, p in zip(g["anchors"], g["anchor_prices"], strict=True):
        x = int(weeks.searchsorted(pd.Timestamp(a)))
        assert log_interp(x, xs, ys) == pytest.approx(p, rel=0.01)


@pytest.mark.realdata
def test_zone_patch_spans_the_zone(market_dir):
    d = rendered(market_dir, "2013-07-08")
    spec = next(s for s in d.specs if s.kind == "trend")
    z = spec.zones[0]
    assert not z.is_level
    patch = artist(d.figs["trend"], "zone")
    # axhspan: x in axes fraction, y in data coordinates
    assert patch.get_y() == pytest.approx(z.low) and \
        patch.get_y() + patch.get_height() == pytest.approx(z.high)
    finding = next(f for f in d.run.findings if f.kind == "zone" and f.symbol == z.symbol
                   and f.figures["low"] == z.low)
    assert (finding.figures["low"], finding.figures["high"]) == (z.low, z.high)


@pytest.mark.realdata
def test_moving_averages_are_the_closes_rolling_means(market_dir):
    asof = "2008-10-15"
    d = rendered(market_dir, asof)
    c = closes(market_dir, "GSPC", asof)
    fig = d.figs["benchmark"]
    index = pd.DatetimeIndex(d.charts["benchmark"].geometry["index"])
    assert index[-1] == pd.Timestamp(asof) and len(index) == 252
    for w in (50, 200):
        ln = artist(fig, f"sma{w}")
        xs, ys = ln.get_data()
        oracle = c.rolling(w).mean().reindex(index).to_numpy()
        assert list(xs) == list(range(len(index)))
        np.testing.assert_allclose(ys, oracle, rtol=1e-9)
    vix = artist(fig, "panel", ax=1)
    np.testing.assert_allclose(vix.get_ydata(),
                               closes(market_dir, "VIX", asof).reindex(index).to_numpy())


@pytest.mark.realdata
def test_overlay_lines_are_rebased_closes_and_levels(market_dir):
    d = rendered(market_dir, "2013-07-08")
    spec = next(s for s in d.specs if s.kind == "overlay")
    fig = d.figs["overlay"]
    index = pd.DatetimeIndex(d.charts["overlay"].geometry["index"])
    for sym in spec.symbols:
        c = closes(market_dir, sym, "2013-07-08").reindex(index)
        oracle = (c / c.iloc[0] - 1) * 100
        np.testing.assert_allclose(artist(fig, f"rebased-{sym}").get_ydata(), oracle.to_numpy(),
                                   rtol=1e-9, atol=1e-12)
        band = next(b for b in spec.levels if b.symbol == sym)
        seg = artist(fig, f"level-{sym}").get_segments()[0]
        assert seg[0][1] == seg[1][1] == pytest.approx((band.high / c.iloc[0] - 1) * 100)


@pytest.mark.realdata
def test_channel_lines_end_at_the_findings_band(market_dir):
    d = rendered(market_dir, "2013-07-08")
    spec = next(s for s in d.specs if s.kind == "channels")
    newest = max(spec.channels, key=lambda f: f.figures["start_date"])
    fig = d.figs["channels"]
    up, lo = artist(fig, "channel-0-upper"), artist(fig, "channel-0-lower")
    assert up.get_ydata()[-1] == pytest.approx(newest.figures["upper_at_end"], rel=1e-3)
    assert lo.get_ydata()[-1] == pytest.approx(newest.figures["lower_at_end"], rel=1e-3)
