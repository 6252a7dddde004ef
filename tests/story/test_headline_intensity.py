"""The headline's word for a big day follows how rare the move is, not its sign alone."""

import pandas as pd
import pytest

from tapereader.config import default_watchlist
from tapereader.story.bigpicture import move_intensity
from tapereader.story.compose import compose_note
from tests.story.realrun import engine_run
from tests.story.synthetic import F

WL = default_watchlist()
WORDS = {
    ("down", "extreme"): ("Stocks plunge", "A brutal day for stocks", "A rout"),
    ("down", "strong"): ("Heavy selling", "A sharp drop for stocks", "Stocks sink"),
    ("down", "mild"): ("Stocks fall", "Stocks retreat", "Sellers return"),
    ("up", "extreme"): ("Stocks surge", "A powerful up day", "Buyers storm back"),
    ("up", "strong"): ("A strong up day", "Stocks rally", "Buyers step in"),
    ("up", "mild"): ("Stocks climb", "Stocks advance", "Buyers return"),
}


def move(share, since, asof="2014-10-09"):
    return F("day_move", "GSPC", {"pct": -2.0, "direction": "down", "since_date": since,
                                  "rank": 9, "sessions": 3700, "pct_rank_abs": share,
                                  "first_date": "2000-01-03"}, date=asof)


@pytest.mark.parametrize("share,since,word", [
    (0.4, "2014-06-01", "extreme"),    # among the largest 1% of days, months after a larger
    (9.0, "2012-06-01", "extreme"),    # the largest for over two years
    (3.0, "2014-08-01", "strong"),
    (9.0, "2014-03-01", "strong"),     # the largest for seven months
    (9.0, "2014-08-01", "mild"),       # neither rare in size nor in time
])
def test_intensity_by_size_share_and_years(share, since, word):
    assert move_intensity(move(share, since), "2014-10-09") == word


def _oracle(market_dir, asof):
    """Share of sessions with an absolute move at least as large, and the years since a move
    as large in the same direction, from the raw closes (pandas, not the engine)."""
    c = pd.read_csv(market_dir / "GSPC.csv", index_col=0, parse_dates=True)["close"]
    r = c.loc[:asof].pct_change().dropna() * 100
    last, prior = r.iloc[-1], r.iloc[:-1]
    share = 100 * (r.abs() >= abs(last)).mean()
    bigger = prior[prior <= last] if last < 0 else prior[prior >= last]
    years = ((pd.Timestamp(asof) - bigger.index[-1]).days / 365.25 if len(bigger)
             else 99.0)
    word = ("extreme" if share <= 1 or years >= 2 else
            "strong" if share <= 5 or years >= 0.5 else "mild")
    return ("down" if last < 0 else "up"), word


@pytest.mark.realdata
@pytest.mark.parametrize("asof", ["2008-10-15", "2009-03-10", "2014-10-09", "2016-06-24",
                                  "2019-08-05", "2021-11-26"])
def test_real_headlines_use_the_word_their_rarity_earns(market_dir, asof):
    direction, word = _oracle(market_dir, asof)
    run = engine_run(market_dir, asof)
    note = compose_note(run.findings, WL, asof)
    assert note.story == "big_day", note.headline
    assert note.headline.startswith(WORDS[(direction, word)]), (word, note.headline)
    others = [w for k, ws in WORDS.items() if k != (direction, word) for w in ws]
    assert not note.headline.startswith(tuple(others))
