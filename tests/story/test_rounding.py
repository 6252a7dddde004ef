"""One rounding: findings keep full precision and the note rounds once, half away from zero.

The oracle is pandas on the raw bars of the data files (tests/story/checkers.py
``check_major_levels``); the case is a day on which rounding twice (to two decimals, then
to the one printed) gives another figure than rounding the raw value once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tapereader.config import default_watchlist
from tapereader.story import numbers
from tapereader.story.compose import compose_note
from tests.story import checkers as ck
from tests.story.realrun import engine_run
from tests.story.synthetic import F

pytestmark = pytest.mark.realdata
WL = default_watchlist()
# figures the note prints (kind, figure): each must keep more than two decimals somewhere
PRINTED = [("major_level", "pct_away"), ("major_level", "level"), ("zone", "distance_pct"),
           ("zone", "low"), ("zone", "high"), ("trendline", "value_at_asof"),
           ("trendline", "distance_pct"), ("target", "pct"), ("target", "level"),
           ("channel", "slope_pct_per_year"), ("channel", "slope_points_per_week"),
           ("relative_strength", "pct_diff"), ("relative_strength", "ratio_vs_high_pct"),
           ("change", "pct"), ("day_move", "pct"), ("market_state", "pct_from_high"),
           ("breakout", "level"), ("breakdown", "level")]
DAYS = ("2011-09-23", "2013-07-08", "2020-03-16")


def _bars(market_dir: Path, sym: str) -> pd.DataFrame:
    return pd.read_csv(market_dir / f"{sym}.csv", index_col="date", parse_dates=True)


def test_major_support_distance_rounded_once(market_dir):
    """2011-09-23: the S&P 500's July 2010 low (1,010.91) is 11.045% under the close:
    11.0% rounded once, 11.1% if the figure were first kept at two decimals."""
    asof = "2011-09-23"
    b = _bars(market_dir, "GSPC")[:asof]
    raw = (b.loc["2010-07-01", "low"] / b["close"].iloc[-1] - 1) * 100
    assert ck.once(abs(raw), 1) == "11.0" and ck.once(abs(round(raw, 2)), 1) == "11.1"
    run = engine_run(market_dir, asof)
    md = compose_note(run.findings, WL, asof).markdown()
    n, bad = ck.check_major_levels(md, run.findings, lambda s: _bars(market_dir, s), asof,
                                   "GSPC")
    assert n == 1 and not bad, bad
    assert "July 2010 low at 1,011, 11.0% under the close" in md


@pytest.mark.parametrize("kind, key", PRINTED)
def test_printed_figures_keep_full_precision(market_dir, kind, key):
    """A figure stored at two decimals is rounded twice when printed at one: each printed
    figure must carry more digits than two decimals in some finding of these days."""
    vals = [float(f.figures[key]) for d in DAYS for f in engine_run(market_dir, d).findings
            if f.kind == kind and isinstance(f.figures.get(key), int | float)]
    assert len(vals) >= 3, f"{kind}.{key} occurs {len(vals)} times: the check checks nothing"
    assert any(abs(v * 100 - round(v * 100)) > 1e-6 for v in vals), \
        f"{kind}.{key} is stored at two decimals ({vals[:5]})"


def test_untraced_flags_a_double_rounded_figure():
    fs = [F("change", "GSPC", {"sessions": 5, "pct": -11.045122, "start_date": "2013-07-01",
                              "close": 1010.90997})]
    assert numbers.untraced("at 1,011, 11.0% under the close", fs, []) == []
    assert numbers.untraced("at 1,011, 11.1% under the close", fs, []) == ["11.1"]
