"""Automated checkers on the notes of random sessions 2001-2022 (tests/story/checkers.py).

CI runs a seeded sample of ``SAMPLE`` sessions (composing a note needs an engine run of
about a second per session, charts are not drawn); ``TAPEREADER_NOTE_SESSIONS=200`` runs
the full 200 (what docs/status.md reports). The sessions are drawn with a fixed seed from
the S&P 500's sessions, so every run reads the same notes.
"""

from __future__ import annotations

import os
import random
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from tapereader.config import default_watchlist
from tapereader.story import bigpicture
from tapereader.story.compose import compose_note
from tapereader.story.names import Names
from tapereader.story.numbers import untraced
from tests.story import checkers as ck
from tests.story.realrun import engine_run

pytestmark = pytest.mark.realdata
WL = default_watchlist()
NAMES = ck.name_map(WL)
SAMPLE = 16
FULL = 200
SEED = 20261201
INDICES = tuple(bigpicture.equity_indices(WL))


def sessions(market_dir: Path, k: int) -> list[str]:
    idx = pd.read_csv(market_dir / "GSPC.csv", usecols=["date"])["date"]
    pool = [d for d in idx if "2001-01-02" <= d <= "2022-11-18"]
    return sorted(random.Random(SEED).sample(pool, FULL)[:k])


@lru_cache(maxsize=32)
def _closes(market_dir: Path, symbol: str) -> pd.Series | None:
    p = market_dir / f"{symbol}.csv"
    if not p.exists():
        return None
    return pd.read_csv(p, index_col="date", parse_dates=True)["close"]


@lru_cache(maxsize=32)
def _bars(market_dir: Path, symbol: str) -> pd.DataFrame:
    return pd.read_csv(market_dir / f"{symbol}.csv", index_col="date", parse_dates=True)


def check_note(market_dir: Path, asof: str) -> dict[str, tuple[int, list[str]]]:
    run = engine_run(market_dir, asof)
    note = compose_note(run.findings, WL, asof)
    md = note.markdown()
    closes = lambda s: _closes(market_dir, s)  # noqa: E731
    bench = bigpicture.benchmark(run.findings, WL) or "GSPC"
    present = {f.symbol for f in run.findings}
    return {
        "since": ck.check_since(md, closes, asof, NAMES),
        "day_rank": ck.check_day_rank(md, closes, asof, bench, NAMES),
        "intact": ck.check_intact(md, run.findings, closes, asof, NAMES,
                                  bars=lambda s: _bars(market_dir, s)),
        "slope_words": ck.check_slope_words(md, closes, asof, NAMES, run.findings),
        "equity_all_time_low": ck.check_no_equity_all_time_low(md),
        "bare_etf_headline": ck.check_bare_etf_in_headline(note.headline, WL, present),
        "day_numbers": ck.check_day_numbers(md, closes, asof, WL.name(bench), bench),
        "major_levels": ck.check_major_levels(md, run.findings,
                                              lambda s: _bars(market_dir, s), asof, bench),
        "glued": ck.check_glued_sentences(md),
        "headline_record": ck.check_headline_record(note.headline, closes, asof, NAMES),
        "annual_rate": ck.check_no_runaway_annual_rate(md),
        "zero_distance": ck.check_no_zero_distance(md),
        "etf_stand_ins": ck.check_etf_stand_ins(note, run.findings, WL, asof),
        "leadership": ck.check_leadership(md, closes, asof, NAMES, INDICES),
        "untraced": (1, untraced(md, run.findings, Names(WL).all_names(), asof)),
    }


def _n_sessions() -> int:
    return int(os.environ.get("TAPEREADER_NOTE_SESSIONS", SAMPLE))


def test_checkers_on_random_sessions(market_dir):
    days = sessions(market_dir, _n_sessions())
    counts: dict[str, int] = {}
    problems: list[str] = []
    for asof in days:
        for name, (n, bad) in check_note(market_dir, asof).items():
            counts[name] = counts.get(name, 0) + n
            problems += [f"{asof} {name}: {b}" for b in bad]
    print(f"\nchecked {len(days)} notes: {counts}")
    assert not problems, "\n".join(problems)
    # the checkers did check something (a checker that never fires proves nothing)
    assert counts["day_numbers"] == len(days)
    assert counts["since"] > 0 and counts["slope_words"] + counts["intact"] > 0
    assert counts["etf_stand_ins"] > 0 and counts["leadership"] > 0


def test_checkers_catch_planted_errors(market_dir):
    """Each checker fires on a wrong sentence (so a clean run means something)."""
    closes = lambda s: _closes(market_dir, s)  # noqa: E731
    asof = "2020-03-16"
    n, bad = ck.check_since("The Dow closed at 20,188.52, its lowest close since "
                            "March 9, 2020.", closes, asof, NAMES)
    assert n == 1 and bad
    n, bad = ck.check_since("The Dow closed at 20,188.52, its lowest close since "
                            "February 9, 2017.", closes, asof, NAMES)
    assert n == 1 and not bad
    assert ck.check_day_rank("the worst day since March 2020", closes, asof, "GSPC")[1]
    assert not ck.check_day_rank("the worst day since the data begins", closes, asof,
                                 "GSPC")[1]
    assert ck.check_no_equity_all_time_low("The S&P 500 closed at an all-time low of 1.")[1]
    assert ck.check_bare_etf_in_headline("SPY plunges", WL, {"SPY", "GSPC"})[1]
    assert ck.check_day_numbers("The S&P 500 fell 11.9% to 2,386.13.", closes, asof,
                                "S&P 500", "GSPC")[1]
    run = engine_run(market_dir, "2011-09-23")
    n, bad = ck.check_major_levels("Below, the chart's next major support is the July 2010 low "
                                   "at 1,011, 11.1% under the close.", run.findings,
                                   lambda s: _bars(market_dir, s), "2011-09-23", "GSPC")
    assert n == 1 and bad          # 11.045% rounded twice
    # 2009-08-31: SPY led the 21 sessions, the Dow the indices (the old "It also leads")
    lead = ("The S&P 500 is out in front of the other stock indices over the last nine "
            "sessions, up 3.1% against +3.0% for the Dow. It also leads over 21 sessions.")
    n, bad = ck.check_leadership(lead, closes, "2009-08-31", NAMES, INDICES)
    assert n == 2 and len(bad) == 1 and "DJI did" in bad[0]
    assert ck.check_leadership(lead.replace("3.1%", "3.2%"), closes, "2009-08-31", NAMES,
                               INDICES)[1]
    assert ck.check_no_runaway_annual_rate("a channel at about 199.4% a year")[1]
    assert ck.check_glued_sentences("It began ten sessions ago.This is the low.")[1]
    assert ck.check_no_zero_distance("the close is 0.0% below it, only inches away")[1]
    assert not ck.check_no_zero_distance("the close is 10.0% below it; 0.1% under the close")[1]
    assert not ck.check_glued_sentences("It began ten sessions ago. This is 1.5% off.")[1]
    assert ck.check_glued_sentences("The S&P 500 lost 1.1% to 1,223.69.It finished lower.")[1]
    assert ck.check_slope_words("Since January 2020, the S&P 500 has climbed in a channel.",
                                closes, asof, NAMES)[1]
