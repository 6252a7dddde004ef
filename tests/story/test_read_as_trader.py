"""Faults found by reading notes as a trader (docs/status.md, the precision count), each on
its real date, with the expected text from pandas on the raw closes."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tapereader.config import default_watchlist
from tapereader.story import ranking
from tapereader.story.compose import compose_note
from tests.story import checkers as ck
from tests.story.realrun import engine_run

pytestmark = pytest.mark.realdata
WL = default_watchlist()
NAMES = ck.name_map(WL)


def _closes(market_dir: Path, sym: str) -> pd.Series:
    return pd.read_csv(market_dir / f"{sym}.csv", index_col="date", parse_dates=True)["close"]


def _note(market_dir: Path, asof: str):
    run = engine_run(market_dir, asof)
    return run, compose_note(run.findings, WL, asof)


def test_no_record_headline_on_an_intraday_record(market_dir):
    """2019-12-27: the Nasdaq 100 made an intraday record but closed under the day before's
    record close; the headline said it "closes at an all-time high"."""
    asof = "2019-12-27"
    c = _closes(market_dir, "NDX")[:asof]
    assert c.iloc[-1] < c.iloc[:-1].max()
    _, note = _note(market_dir, asof)
    assert "Nasdaq 100 closes at" not in note.headline
    assert ck.check_headline_record(note.headline, lambda s: _closes(market_dir, s), asof,
                                    NAMES)[1] == []


def test_a_flat_day_is_little_changed(market_dir):
    """2019-12-27: the S&P 500 rose 0.003%: not "advanced 0.0%"."""
    asof = "2019-12-27"
    c = _closes(market_dir, "GSPC")[:asof]
    move = (c.iloc[-1] / c.iloc[-2] - 1) * 100
    assert ck.once(abs(move), 1) == "0.0"
    _, note = _note(market_dir, asof)
    md = note.markdown()
    assert re.search(rf"S&P 500 (was little changed|ended almost unchanged) at "
                     rf"{re.escape(ck.once(c.iloc[-1], 2))}\.", md)
    assert "0.0% to" not in md


def test_one_target_per_index_and_its_etf(market_dir):
    """2019-12-27: the Russell 2000's room to its record and IWM's were two sentences."""
    _, note = _note(market_dir, "2019-12-27")
    watch = " ".join(next(s for s in note.sections if s.key == "watch").paragraphs)
    assert len(re.findall(r"(Russell 2000|IWM) (may|could) have about", watch)) == 1


def test_a_line_far_from_the_close_is_not_being_retested(market_dir):
    """2012-06-01: the Russell 2000 was 6% under the broken March 2009 line, not "back at the
    line, testing it"."""
    asof = "2012-06-01"
    run, note = _note(market_dir, asof)
    line = next(f for f in run.findings if f.kind == "trendline" and f.symbol == "RUT"
                and f.timeframe == "weekly" and f.figures["anchors"][0].startswith("2009-03"))
    close = _closes(market_dir, "RUT")[:asof].iloc[-1]
    assert (line.figures["value_at_asof"] / close - 1) * 100 > 5
    assert not ranking.at_the_line(line.figures.get("distance_pct"))
    md = note.markdown()
    sents = [s for s in re.split(r"(?<=\.)\s+", md) if "from the March 2009 low" in s
             and "Russell 2000" in s]
    # the S&P 500's own March 2009 line broke that week and now leads the lines; when the
    # Russell 2000's line is told too, it is told as pulled away, not as being re-tested
    for sent in sents:
        assert "pulled away below it" in sent and "testing" not in sent, sent


def _bars(market_dir: Path, sym: str) -> pd.DataFrame:
    return pd.read_csv(market_dir / f"{sym}.csv", index_col="date", parse_dates=True)


def test_a_lower_prior_high_as_target_names_the_record_above(market_dir):
    """2015-02-17: QQQ's "upside to its April 2000 high of 107.69" read as its ceiling; the
    record (120.50, March 2000) is above it and is now said."""
    asof = "2015-02-17"
    b = _bars(market_dir, "QQQ")[:asof]
    rec, when = b["high"].max(), b["high"].idxmax()
    pct = (rec / b["close"].iloc[-1] - 1) * 100
    _, note = _note(market_dir, asof)
    md = note.markdown()
    assert "upside to its April 2000 high of 107.69" in md
    assert (f"(its record high, {ck.once(rec, 2)} from March {when.year}, is "
            f"{ck.once(pct, 1)}% above the close)") in md


def test_a_line_broken_on_the_day_leads_the_trend_lines(market_dir):
    """2018-02-05 (S&P 500 -4.1%): the section opened with TLT's lines and told the S&P 500's
    daily uptrend line, broken that day, third."""
    asof = "2018-02-05"
    _run, note = _note(market_dir, asof)
    section = note.markdown().split("## Trend lines")[1].split("\n## ")[0].strip()
    first = section.split("\n\n")[0]
    assert first.startswith("The S&P 500") and "on February 5, 2018" in first, section


def test_only_a_recent_break_of_a_line_still_broken_is_news():
    from tests.story.synthetic import F

    def line(state, brk, date="2018-02-05"):
        return F("trendline", "GSPC", {"direction": "up", "state": state, "break_date": brk,
                                       "scale": "log", "touches": 3, "value_at_asof": 2700.0,
                                       "slope_pct_per_week": 0.4,
                                       "anchors": ["2017-08-21", "2017-11-15"]}, date=date)

    assert ranking.broken_lately(line("broken", "2018-02-05"))
    assert ranking.broken_lately(line("broken", "2018-01-26"))
    assert not ranking.broken_lately(line("broken", "2018-01-05"))     # a month ago
    assert not ranking.broken_lately(line("retaken", "2018-02-01"))    # climbed back
    assert not ranking.broken_lately(line("intact", None))
