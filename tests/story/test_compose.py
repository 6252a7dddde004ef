"""The note from hand-made findings: branches, determinism, traceable numbers."""

import dataclasses

from tapereader.config import default_watchlist
from tapereader.story.compose import compose_note
from tapereader.story.names import Names
from tapereader.story.numbers import untraced
from tests.story.synthetic import ASOF, F, rally_findings

WL = default_watchlist()
NAMES = Names(WL).all_names()


def _all_text(note):
    return note.markdown() + "\n" + note.text()


def test_rally_note_reads_in_trader_order_and_traces():
    fs = rally_findings()
    note = compose_note(fs, WL, ASOF)
    assert note.story == "leader_record"
    assert "small caps" in note.headline.lower() and "Russell 2000" in note.headline
    keys = [s.key for s in note.sections]
    assert keys == ["leaders", "trendlines", "levels", "records", "cross_asset", "slope", "watch"]
    md = note.markdown()
    assert md.startswith("# " + note.headline)
    assert "not investment advice" in md and "not investment advice" in note.text()
    assert untraced(_all_text(note), fs, NAMES, ASOF) == []
    assert "re-testing it from below" in md or "testing it from below" in md
    assert "all-time high of 1,009.25" in md
    assert "bonds" in md and "watch for" in md.lower()


def test_same_inputs_same_note_and_wording_varies_with_the_date():
    fs = rally_findings()
    a = compose_note(fs, WL, ASOF)
    b = compose_note(list(reversed(fs)), WL, ASOF)
    assert a.text() == b.text()
    # the same facts dated on other days pick other phrasings somewhere (hash of key + date)
    texts = set()
    for day in ("2013-07-08", "2013-07-09", "2013-07-10", "2013-07-11"):
        moved = [dataclasses.replace(f, date=day if f.date == ASOF else f.date,
                                     known_at=day if f.known_at == ASOF else f.known_at)
                 for f in fs]
        texts.add(compose_note(moved, WL, day).text().split("\n", 3)[3])
    assert len(texts) > 1


def test_big_down_day_leads_and_no_rally_wording():
    fs = [
        F("change", "GSPC", {"sessions": 1, "pct": -6.66, "start_date": "2011-08-05",
                             "period": None}, date="2011-08-08"),
        F("change", "GSPC", {"sessions": 9, "pct": -13.2, "start_date": "2011-07-26",
                             "period": None}, date="2011-08-08"),
        F("new_low_52w", "GSPC", {"basis": "close", "value": 1119.46, "previous_value": 1172.53,
                                  "previous_date": "2010-11-16"}, date="2011-08-08"),
        F("leadership", "TLT", {"sessions": 9, "ranking": [{"symbol": "GSPC", "pct": -13.2},
                                                           {"symbol": "RUT", "pct": -17.5}]},
          date="2011-08-08"),
    ]
    note = compose_note(fs, WL, "2011-08-08")
    assert note.story == "big_day"
    assert "6.7%" in note.headline and "S&P 500" in note.headline
    text = _all_text(note)
    assert "all-time high" not in text and "lead the rally" not in text
    assert "lowest close in a year" in text
    assert "bullish reversal" in text  # what to watch after a fall
    assert untraced(text, fs, NAMES, "2011-08-08") == []


def test_defensive_leader_and_empty_findings():
    fs = [F("leadership", "GSPC", {"sessions": 21, "ranking": [{"symbol": "GSPC", "pct": -1.5},
                                                              {"symbol": "RUT", "pct": -4.0}]})]
    note = compose_note(fs, WL, ASOF)
    assert note.story == "defensive" and "hold up best" in note.headline
    empty = compose_note([], WL, ASOF)
    assert empty.story == "quiet" and "July 8, 2013" in empty.headline
    assert "not investment advice" in empty.text()
