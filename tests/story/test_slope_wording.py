"""The slope section on real dates: a channel of a few months is told over its own span (no
annualised 100-200% a year), and a rally's channel is not the story while the index itself
is in a correction. Oracles: pandas on the raw closes."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tapereader.config import default_watchlist
from tapereader.story.compose import compose_note
from tests.story import checkers as ck
from tests.story.realrun import engine_run

pytestmark = pytest.mark.realdata
WL = default_watchlist()


def _closes(market_dir: Path, sym: str) -> pd.Series:
    return pd.read_csv(market_dir / f"{sym}.csv", index_col="date", parse_dates=True)["close"]


def test_short_channel_told_over_its_own_span(market_dir):
    """2020-12-18: IWM's channel since September 25, 2020 is 13 weekly bars old (+33.4%
    from that week's close); annualised, it would read as about 200% a year."""
    asof = "2020-12-18"
    run = engine_run(market_dir, asof)
    md = compose_note(run.findings, WL, asof).markdown()
    ch = next(f for f in run.findings if f.kind == "channel" and f.symbol == "IWM"
              and f.figures["start_date"].startswith("2020-09"))
    wk = _closes(market_dir, "IWM")[:asof].resample("W-FRI").last().dropna()
    seg = wk[wk.index >= pd.Timestamp(ch.figures["start_date"])]
    gain = (seg.iloc[-1] / seg.iloc[0] - 1) * 100
    assert 25 < gain < 45 and len(seg) == 13
    assert f"IWM has climbed {ck.once(gain, 1)}% in a channel since September 25, 2020" in md
    assert not ck.check_no_runaway_annual_rate(md)[1]
    assert not re.search(r"1\d\d\.\d% a year", md)


def test_no_rally_channel_while_the_index_is_in_a_correction(market_dir):
    """2014-10-15: the Russell 2000 sat at the bottom of its channel while 11% under its
    high (a correction): "the advance is being tested" would misread the fall."""
    asof = "2014-10-15"
    c = _closes(market_dir, "RUT")[:asof]
    assert (c.iloc[-1] / c.max() - 1) * 100 <= -10
    note = compose_note(engine_run(market_dir, asof).findings, WL, asof)
    md = note.markdown()
    assert "slope" not in [s.key for s in note.sections]
    assert "the advance is being tested" not in md and "may end the advance" not in md
