"""The note from hand-made findings: branches, determinism, traceable numbers."""

import dataclasses
import re

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
    # ranked: the leader's record story first, what to watch last
    assert keys[0] == "leaders" and keys[-1] == "watch"
    assert set(keys) == {"leaders", "trendlines", "levels", "records", "cross_asset", "slope",
                         "watch"}
    scores = [s.score for s in note.sections]
    assert scores == sorted(scores, reverse=True)
    assert all(s.kind == s.key and s.findings for s in note.sections)
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
                                  "previous_date": "2010-11-16", "since_date": "2010-09-24",
                                  "first_date": "2000-01-03"}, date="2011-08-08"),
        F("day_move", "GSPC", {"pct": -6.663, "direction": "down", "since_date": "2008-12-01",
                               "rank": 9, "sessions": 2918, "close": 1119.46,
                               "first_date": "2000-01-03"}, date="2011-08-08"),
        F("market_state", "GSPC", {"state": "correction", "high": 1363.61,
                                   "high_date": "2011-04-29", "pct_from_high": -17.90,
                                   "state_since": "2011-08-04", "sessions_in_state": 2,
                                   "low": 1119.46, "low_date": "2011-08-08",
                                   "record": 1565.15, "record_date": "2007-10-09",
                                   "pct_from_record": -28.47, "correction_pct": 10.0,
                                   "first_date": "2000-01-03"}, date="2011-08-08"),
        F("leadership", "TLT", {"sessions": 9, "ranking": [{"symbol": "GSPC", "pct": -13.2},
                                                           {"symbol": "RUT", "pct": -17.5}]},
          date="2011-08-08"),
    ]
    note = compose_note(fs, WL, "2011-08-08")
    assert note.story == "big_day"
    assert "6.7%" in note.headline and "S&P 500" in note.headline
    assert "worst day since December 2008" in note.headline
    assert note.sections[0].kind == "big_picture"
    text = _all_text(note)
    assert "all-time high" not in text and "lead the rally" not in text
    assert "close is its lowest since September 24, 2010" in text
    assert re.search(r"in (a )?correction", text) and "17.9% below its April 29, 2011 high" in text
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
