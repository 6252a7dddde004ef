"""No sentence skeleton repeats on every day: 20 consecutive sessions of real notes.

A sentence's skeleton is its text with the instruments' names, dates, weekdays, numbers
and counts masked. Over the 20 sessions to 2017-08-01 (a quiet summer: the same stories
every day, the worst case for sameness) and the 20 to 2008-10-15 (a bear market, told every
day) no skeleton of the headline or of a paragraph may appear in every note. Exempt,
because they are not sentences of the story: the section titles, the date line under the
headline and the fixed disclaimer. The wording varies by
``compose._Picker`` (a hash of the sentence's key and the date, not randomness).
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest

from tapereader.analysis.lib import MONTHS
from tapereader.config import default_watchlist
from tapereader.pipeline import load_and_analyze
from tapereader.story.compose import compose_note
from tapereader.story.names import Names
from tapereader.story.numbers import WEEKDAYS, WORDS

pytestmark = pytest.mark.realdata
WL = default_watchlist()
DAYS = 20
_NAMES = sorted(Names(WL).all_names(), key=len, reverse=True)


def skeleton(sentence: str) -> str:
    s = sentence
    for n in _NAMES:
        s = s.replace(n, "<name>")
    s = re.sub(rf"\b({'|'.join(MONTHS)})( \d{{1,2}})?(,? \d{{4}})?", "<date>", s)
    s = re.sub(rf"\b({'|'.join(WEEKDAYS)})\b", "<day>", s)
    s = re.sub(r"[+-]?\d[\d,]*(\.\d+)?", "<n>", s)
    return re.sub(rf"\b({'|'.join(WORDS)})\b", "<n>", s, flags=re.IGNORECASE)


def sentences(note) -> list[str]:
    paras = [note.headline] + [p for s in note.sections for p in s.paragraphs]
    return [x for p in paras for x in re.split(r"(?<=[.!?:;])\s+", p) if x]


def test_skeleton_masks_what_changes_daily():
    assert skeleton("The S&P 500 rose 0.7% to 4,232.60 on Friday, May 7, 2021, in nine "
                    "sessions") == "The <name> rose <n>% to <n> on <day>, <date>, in <n> sessions"


@pytest.mark.parametrize("end", ["2017-08-01", "2008-10-15"])
def test_no_sentence_skeleton_repeats_on_every_day(market_dir, end):
    idx = pd.read_csv(market_dir / "GSPC.csv", usecols=["date"])["date"]
    days = [d for d in idx if d <= end][-DAYS:]
    seen: Counter[str] = Counter()
    total = 0
    for asof in days:
        note = compose_note(load_and_analyze(market_dir, asof, WL, None).findings, WL, asof)
        sk = {skeleton(s) for s in sentences(note)}
        total += len(sk)
        seen.update(sk)
    assert len(days) == DAYS and total > 10 * DAYS     # the notes say enough to compare
    daily = [s for s, n in seen.items() if n == DAYS]
    assert not daily, "said the same way on every day:\n" + "\n".join(daily)
