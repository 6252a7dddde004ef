"""The note from the real engine on real data: the reference case and another date."""

import re

import pytest

from tapereader.config import default_watchlist
from tapereader.story.compose import compose_note
from tapereader.story.names import Names
from tapereader.story.numbers import untraced
from tests.story.realrun import engine_run

pytestmark = pytest.mark.realdata
WL = default_watchlist()
NAMES = Names(WL).all_names()


@pytest.fixture(scope="module")
def reference(market_dir):
    run = engine_run(market_dir, "2013-07-08")
    return run, compose_note(run.findings, WL, "2013-07-08")


@pytest.fixture(scope="module")
def crash(market_dir):
    run = engine_run(market_dir, "2011-08-08")
    return run, compose_note(run.findings, WL, "2011-08-08")


def test_reference_headline_is_small_caps_leading(reference):
    _, note = reference
    h = note.headline.lower()
    assert "small caps" in h or "russell 2000" in h
    assert note.story == "leader_record"
    assert "all-time high" in h


def test_reference_note_makes_the_posts_points(reference):
    _, note = reference
    md = note.markdown()
    low = md.lower()
    assert "trend line from the november 2012 low" in low
    assert re.search(r"re-test|testing it from below", low)
    assert "resistance" in low and "1,649-1,654" in md          # the S&P 500's ceiling
    assert re.search(r"(all-time high of|record( close of| close at)?) 1,009\.25", md)  # RUT
    assert "100.07" in md                                          # ... and IWM's record
    assert "1.7% below its record close of 1,669.16" in md       # the S&P 500 is not there
    assert re.search(r"QQQ could have about [\d.]+% of upside to its \w+ \d{4} high", md)
    assert "May 22, 2013 high" in md                               # IWM's breakout
    assert "bonds" in low
    assert "watch for a bearish" in low and "reversal" in low
    assert "August 2010 to April 2011" in md                      # the analog and what followed
    assert "not investment advice" in low


def test_reference_every_number_traces_to_a_figure(reference):
    run, note = reference
    for text in (note.markdown(), note.text()):
        assert untraced(text, run.findings, NAMES, "2013-07-08") == []


def test_the_note_uses_findings_it_was_given(reference):
    run, note = reference
    ids = {id(f) for f in run.findings}
    assert note.used and all(id(f) in ids for f in note.used)


def test_another_date_gives_a_different_sensible_note(reference, crash):
    run, note = crash
    ref = reference[1]
    md = note.markdown()
    assert note.headline != ref.headline
    assert note.story == "big_day" and "S&P 500" in note.headline
    # no reference-case wording baked in
    for phrase in ("November 2012", "lead the rally", "1,009.25", "bearish reversal day",
                   "all-time high as", "Watch for a bearish"):
        assert phrase not in md
    assert "bullish reversal" in md.lower()      # after a plunge, watch for the turn
    assert "rebound" in md.lower() or "bounce" in md.lower()
    for text in (md, note.text()):
        assert untraced(text, run.findings, NAMES, "2011-08-08") == []


def test_findings_read_back_from_json_give_the_same_note(reference):
    """The note depends on the JSON contract only (no in-memory scores needed)."""
    from tapereader.findings import Finding

    run, note = reference
    back = [Finding.from_dict(d) for d in run.document["findings"]]
    again = compose_note(back, WL, "2013-07-08")
    assert again.headline == note.headline
    assert again.text() == note.text()
