"""The chart plan: which charts the story asks for on which kind of day."""

from types import SimpleNamespace

import pytest

from tapereader.config import default_watchlist
from tapereader.story import chartplan
from tapereader.story.chartplan import Band, chart_plan
from tests.charts.rendered import rendered
from tests.story.synthetic import ASOF, F, rally_findings

WL = default_watchlist()


def day(symbol, pct, close, since="2008-10-15"):
    """The engine's ``day_move``: ``since`` is the last session with a move as large."""
    return F("day_move", symbol, {"pct": pct, "direction": "down" if pct < 0 else "up",
                                  "since_date": since, "rank": 3, "sessions": 3400,
                                  "close": close, "first_date": "2000-01-03"})


def dd(symbol, pct):
    return F("distance_from_high", symbol, {"basis": "close", "high": 100.0,
                                            "high_date": "2013-01-02", "pct": pct})


def state(symbol, name):
    return F("market_state", symbol, {"state": name, "pct_from_high": -21.0, "high": 1.0,
                                      "high_date": "2013-01-02",
                                      "state_since": "2013-03-01"})


@pytest.mark.parametrize("close,pct,alarm", [(29.99, 24.9, False), (30.0, 1.0, True),
                                             (18.0, 25.0, True), (18.0, -30.0, False)])
def test_vix_alarm_at_30_or_a_25pct_jump(close, pct, alarm):
    fs = [day("VIX", pct, close)]
    assert (chartplan.vix_alarm(fs, WL) is not None) == alarm


def test_fear_day_needs_the_vix_and_a_big_drop_or_a_falling_market():
    vix = day("VIX", 31.0, 35.0)
    assert chartplan.fear_day([vix, day("GSPC", -2.1, 900.0)], WL, ASOF)
    assert not chartplan.fear_day([day("VIX", 3.0, 18.0), day("GSPC", -2.1, 900.0)], WL, ASOF)
    # a drop that is only the largest since last week is not a big drop, whatever its size
    small = day("GSPC", -2.1, 900.0, since="2013-07-01")
    assert chartplan.big_drop([small], "GSPC", ASOF) is None
    assert not chartplan.fear_day([vix, small], WL, ASOF)
    assert chartplan.fear_day([vix, small, dd("GSPC", -12.0)], WL, ASOF)
    assert chartplan.fear_day([vix, small, state("GSPC", "bear")], WL, ASOF)
    # the VIX alarmed on an up day: fear only while the benchmark is in a falling market
    assert not chartplan.fear_day([vix, day("GSPC", 1.2, 900.0), dd("GSPC", -4.0)], WL, ASOF)
    assert chartplan.fear_day([vix, day("GSPC", 1.2, 900.0), dd("GSPC", -12.0)], WL, ASOF)
    # the engine's state wins over the distance: 12% off the high after a 20% rally is a bull
    assert not chartplan.fear_day([vix, day("GSPC", 1.2, 900.0), dd("GSPC", -12.0),
                                   state("GSPC", "bull")], WL, ASOF)


def test_a_big_drop_without_the_vix_still_puts_the_benchmark_first():
    fs = [day("GSPC", -2.5, 1600.0, since="2012-06-01"), day("VIX", 12.0, 17.0)]
    assert not chartplan.fear_day(fs, WL, ASOF)
    assert chartplan.benchmark_is_story(fs, WL, ASOF)
    assert not chartplan.benchmark_is_story([day("GSPC", -2.5, 1600.0, since="2013-07-01")],
                                            WL, ASOF)


def test_zone_of_one_price_is_a_level():
    z = F("zone", "GSPC", {"role": "support", "low": 98.8, "high": 98.8, "touches": 3,
                           "last_touch": "2013-06-24", "distance_pct": -1.0})
    b = chartplan.zone_band(z)
    assert b.is_level and b.label == "support 98.80"
    wide = chartplan.zone_band(F("zone", "GSPC", {**z.figures, "high": 99.5}))
    assert not wide.is_level and wide.label == "support 98.80-99.50"
    assert Band("X", 1.0, 1.0, "level", "x").is_level


def _note(fs, sections=("leaders", "trendlines", "levels", "records", "cross_asset", "slope")):
    from tapereader.story.compose import compose_note

    n = compose_note(fs, WL, ASOF)
    return SimpleNamespace(picks=n.picks, story=n.story,
                           sections=[SimpleNamespace(key=k) for k in sections])


def test_plan_follows_the_order_of_the_notes_sections():
    fs = rally_findings()
    ranked = chart_plan(fs, _note(fs, ("cross_asset", "trendlines", "leaders", "slope")), WL,
                        ASOF)
    order = [s.section for s in ranked]
    assert order == sorted(order, key=["cross_asset", "trendlines", "leaders", "slope"].index)
    assert [s.kind for s in ranked][:2] == ["cross_asset", "trend"]


def test_a_fear_day_swaps_leadership_charts_for_the_benchmark_and_the_vix():
    fs = rally_findings()
    calm = {s.kind for s in chart_plan(fs, _note(fs), WL, ASOF)}
    assert {"overlay", "ratio"} <= calm and "benchmark" not in calm
    fear = [day("VIX", 40.0, 36.0), day("GSPC", -5.0, 1500.0),
            *(f for f in fs if f.kind != "all_time_high")]     # no records on a crash
    specs = chart_plan(fear, _note(fear), WL, ASOF)
    kinds = [s.kind for s in specs]
    assert kinds[0] == "benchmark" and not {"overlay", "ratio", "channels"} & set(kinds)
    b = specs[0]
    assert b.symbols == ("GSPC",) and b.averages == (50, 200) and b.panel == "VIX"
    assert b.panel_level == 30.0 and b.reason == "fear day"


# ------------------------------------------------------------------ real days

REGIMES = {
    # date: (charts that must be there, charts that must not)
    "2013-07-08": ({"trend", "channels", "overlay", "ratio", "cross_asset"}, {"benchmark"}),
    "2008-10-15": ({"benchmark", "trend"}, {"channels", "overlay", "ratio"}),
    "2020-03-16": ({"benchmark", "trend"}, {"channels", "overlay", "ratio"}),
    "2011-08-08": ({"benchmark", "trend"}, {"channels", "overlay", "ratio"}),
    "2014-08-15": ({"trend"}, {"benchmark"}),
}


@pytest.mark.realdata
@pytest.mark.parametrize("asof", sorted(REGIMES))
def test_real_days_get_the_charts_of_their_story(market_dir, asof):
    must, must_not = REGIMES[asof]
    d = rendered(market_dir, asof)
    kinds = [s.kind for s in d.specs]
    assert must <= set(kinds), kinds
    assert not must_not & set(kinds), kinds
    assert len(kinds) == len(set(kinds))
    for c in d.charts.values():
        assert len(c.alt) > 40 and c.alt.endswith(".") and c.title
    if "benchmark" in kinds:
        b = next(s for s in d.specs if s.kind == "benchmark")
        assert b.panel == "VIX" and b.averages == (50, 200) and b.reason == "fear day"
        assert kinds[0] == "benchmark"          # the crash opens the note's charts
        assert "VIX" in d.charts["benchmark"].alt and "200-day" in d.charts["benchmark"].alt


def test_a_chart_whose_story_the_note_does_not_tell_is_left_out():
    fs = rally_findings()
    full = {s.kind for s in chart_plan(fs, _note(fs), WL, ASOF)}
    assert {"channels", "cross_asset"} <= full
    fewer = chart_plan(fs, _note(fs, ("leaders", "trendlines", "levels")), WL, ASOF)
    assert not {"channels", "cross_asset"} & {s.kind for s in fewer}
    assert all(s.section in ("leaders", "trendlines", "levels") for s in fewer)
