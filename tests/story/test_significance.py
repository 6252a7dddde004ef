"""The headline by significance: rarity in years since a comparable event (synthetic)."""

from tapereader.config import default_watchlist
from tapereader.story import significance
from tapereader.story.compose import compose_note
from tests.story.synthetic import F

WL = default_watchlist()
ASOF = "2015-08-24"


def _day(sym, pct, since, direction="down", close=1893.21):
    return F("day_move", sym, {"pct": pct, "direction": direction, "since_date": since,
                               "rank": 20, "sessions": 3900, "close": close,
                               "first_date": "2000-01-03"}, date=ASOF)


def test_a_crash_beats_an_asset_record_in_a_run_and_the_vix_is_told_with_it():
    fs = [_day("GSPC", -3.94, "2011-08-18"), _day("VIX", 45.3, "2011-08-08", "up", 40.74),
          F("all_time_low", "DBC", {"basis": "close", "value": 14.44, "previous_value": 14.81,
                                    "previous_date": "2015-08-21", "run_sessions": 2,
                                    "first_date": "2006-02-06"}, date=ASOF)]
    h = significance.headline_story(fs, WL, ASOF, None, [])
    assert h["story"] == "big_day" and h["f"].symbol == "GSPC" and h["vix"].symbol == "VIX"
    note = compose_note(fs, WL, ASOF)
    assert "S&P 500" in note.headline and "VIX" in note.headline and "DBC" not in note.headline


def test_a_first_record_after_a_long_drought_beats_a_quiet_day():
    asof = "2013-03-28"
    fs = [_day("GSPC", 0.41, "2013-03-25", "up", 1569.19),
          F("all_time_high", "GSPC", {"basis": "close", "value": 1569.19,
                                      "previous_value": 1565.15,
                                      "previous_date": "2007-10-09", "run_sessions": 1,
                                      "day_before_value": 1565.15,
                                      "day_before_date": "2007-10-09", "since_date": None,
                                      "round_number": None, "first_date": "2000-01-03"},
            date=asof)]
    fs = [f if f.kind != "day_move" else F("day_move", "GSPC", {**f.figures}, date=asof)
          for f in fs]
    h = significance.headline_story(fs, WL, asof, None, [])
    assert h["story"] == "benchmark_record" and h["drought"] is True
    assert compose_note(fs, WL, asof).headline.startswith(
        "The S&P 500 closes at a record high, its first since October 2007")


def test_a_quiet_day_has_no_day_story():
    fs = [_day("GSPC", -0.12, "2015-08-20")]          # a drop as large four days ago
    assert significance.day_candidates(fs, WL, ASOF) == []
    assert significance.headline_story(fs, WL, ASOF, None, [])["story"] == "quiet"
