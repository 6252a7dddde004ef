"""Names: the index wherever the index is meant; an ETF only where its own chart is drawn.

Real dates where the old story let an ETF stand in: 2005-08-17 (SPY's daily uptrend line
written although the S&P 500 is in the data), 2009-08-31 (SPY led the 21 sessions, and the
note said the S&P 500 "also leads over 21 sessions" while the Dow led the indices),
2009-03-09 (IWM's and QQQ's levels and targets on a bear-market low, with no pair chart).
"""

from __future__ import annotations

import pytest

from tapereader.config import default_watchlist
from tapereader.story import bigpicture, ranking
from tapereader.story.compose import compose_note
from tests.story import checkers as ck
from tests.story.realrun import engine_run
from tests.story.synthetic import F
from tests.story.test_note_checkers import _closes

WL = default_watchlist()
NAMES = ck.name_map(WL)


def test_leader_is_the_index_that_led_the_indices():
    """QQQ tops the window, the Russell 2000 leads the indices: the leader is the Russell
    2000 (with its own number), not the Nasdaq 100 whose ETF led."""
    rk = [{"symbol": "QQQ", "pct": 5.0}, {"symbol": "RUT", "pct": 4.9},
          {"symbol": "NDX", "pct": 4.8}, {"symbol": "IWM", "pct": 4.7},
          {"symbol": "GSPC", "pct": 1.0}]
    f = F("leadership", "QQQ", {"sessions": 9, "ranking": rk, "spread_pct": 4.0})
    lead = ranking.leadership([f], WL)
    assert lead is not None and lead.leader == "RUT"
    assert [r["symbol"] for r in ranking.index_rows(rk, WL)] == ["RUT", "NDX", "GSPC"]


@pytest.mark.realdata
@pytest.mark.parametrize("asof", ["2005-08-17", "2009-03-09", "2009-08-31"])
def test_no_etf_stands_in_for_its_index(market_dir, asof):
    run = engine_run(market_dir, asof)
    note = compose_note(run.findings, WL, asof)
    n, bad = ck.check_etf_stand_ins(note, run.findings, WL, asof)
    assert n > 0 and not bad, bad


@pytest.mark.realdata
def test_leadership_windows_are_true_of_the_indices(market_dir):
    asof = "2009-08-31"
    md = compose_note(engine_run(market_dir, asof).findings, WL, asof).markdown()
    n, bad = ck.check_leadership(md, lambda s: _closes(market_dir, s), asof, NAMES,
                                 tuple(bigpicture.equity_indices(WL)))
    assert n >= 1 and not bad, bad
    assert "also leads over 21" not in md


@pytest.mark.realdata
def test_no_etf_trend_line_when_the_index_is_in_the_data(market_dir):
    asof = "2005-08-17"
    run = engine_run(market_dir, asof)
    assert any(f.kind == "trendline" and f.symbol == "SPY" for f in run.findings)
    lines = compose_note(run.findings, WL, asof).picks["lines"]
    assert lines and not [f.symbol for f in lines if ranking.stands_in(f.symbol, WL,
                                                                      {"GSPC", "DJI"})]
