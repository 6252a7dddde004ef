"""The note across regimes: a case table (tests/cases/notes/regimes.csv) of what the note must and
must not say on crash days, bear-market lows, corrections, record days, quiet days and a
rally off a low.

Each row's pattern is a regular expression whose ``{placeholders}`` are filled from an
independent oracle written here: pandas and plain Python on the raw closes of the data
files, rounded once, half away from zero. Nothing in the expected text comes from the
engine. The oracle also implements the market-state rule itself (a bear market starts at
a close 20% under the bull market's high and ends with a 20% rally off its low; a
correction is 10-20% under the high).
"""

from __future__ import annotations

import csv
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from tapereader.config import default_watchlist
from tapereader.story.compose import compose_note
from tests.story.realrun import engine_run

pytestmark = pytest.mark.realdata
WL = default_watchlist()
TABLE = Path(__file__).resolve().parents[1] / "cases" / "notes" / "regimes.csv"
ROWS = list(csv.DictReader(TABLE.open(encoding="utf-8")))
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def once(x: float, d: int) -> str:
    """``x`` rounded once, half away from zero, with thousands separators."""
    q = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)
    return f"{q:,.{d}f}"


def day(ts: pd.Timestamp) -> str:
    return f"{MONTHS[ts.month - 1]} {ts.day}, {ts.year}"


def month(ts: pd.Timestamp) -> str:
    return f"{MONTHS[ts.month - 1]} {ts.year}"


@lru_cache(maxsize=32)
def closes(market_dir: Path, symbol: str) -> pd.Series:
    return pd.read_csv(market_dir / f"{symbol}.csv", index_col="date",
                       parse_dates=True)["close"]


def regime(c: pd.Series) -> dict:
    """The market state at the last close, by the standard rule, walked bar by bar: a bear
    market from the first close 20% under the high until a 20% rally off its low, whose
    low must hold (a close under it before the old high is regained resumes that bear)."""
    state, peak_d, trough_d, start_d, bull_low_d = "bull", c.index[0], None, None, None
    ended = None   # (low, peak, start) of the last bear market a rally ended
    for d, v in c.items():
        if ended is not None and v < c[ended[0]]:
            state, trough_d, (_, peak_d, start_d) = "bear", d, ended
            ended = None
            continue
        if ended is not None and v >= c[ended[1]]:
            ended = None
        if state == "bear":
            if v < c[trough_d]:
                trough_d = d
            elif v >= 1.2 * c[trough_d]:
                ended = (trough_d, peak_d, start_d)
                state, bull_low_d = "bull", trough_d
                seg = c[trough_d:d]
                peak_d = seg[seg == seg.max()].index[-1]
        else:
            if v >= c[peak_d]:
                peak_d = d
            elif v <= 0.8 * c[peak_d]:
                state, start_d, trough_d = "bear", d, d
    dd = (c.iloc[-1] / c[peak_d] - 1) * 100
    if state == "bull" and dd <= -10:
        state = "correction"
        start_d = c[peak_d:][c[peak_d:] <= 0.9 * c[peak_d]].index[0]
    return {"state": state, "peak_d": peak_d, "dd": dd, "start_d": start_d,
            "bull_low_d": bull_low_d}


def oracle(market_dir: Path, asof: str) -> dict[str, str]:
    g = closes(market_dir, "GSPC")[:asof]
    r = g.pct_change().dropna() * 100
    today, prior = r.iloc[-1], r.iloc[:-1]
    same = prior[prior <= today] if today < 0 else prior[prior >= today]
    worst = "worst day" if today < 0 else "largest gain"
    steep = "steepest one-day drop" if today < 0 else "biggest one-day gain"
    if len(same):
        since = month(same.index[-1])
        rank = f"({worst}|{steep}|the {worst.split()[0]} day) since {since}"
    else:
        rank = f"{worst}|{steep}|the worst day) since the data begins \\(2000\\)"
        rank = f"({rank}"
    st = regime(g)
    first_day = st["start_d"] is not None and day(st["start_d"]) == day(g.index[-1])
    words = {"bear": "(entered|fell into) a bear market today" if first_day
             else "(is in|remains in) a bear market",
             "correction": "(is in a correction|is in correction territory)",
             "bull": "(?!)"}[st["state"]]
    rec_d = g[g == g.max()].index[-1]
    prev = g.iloc[:-1]
    prev_d = prev[prev == prev.max()].index[-1]
    vix = closes(market_dir, "VIX")[:asof]
    out = {
        "day_abs": once(abs(today), 1), "close": once(g.iloc[-1], 2), "rank_words": rank,
        "state_words": words, "state_dd": once(abs(st["dd"]), 1),
        "high": once(g[st["peak_d"]], 2), "high_date": day(st["peak_d"]),
        "state_since": day(st["start_d"]) if st["start_d"] is not None else "-",
        "record": once(g.max(), 2), "record_date": day(rec_d),
        "rec_dd": once(abs((g.iloc[-1] / g.max() - 1) * 100), 1),
        "prev_record": once(prev.max(), 2), "prev_record_date": day(prev_d),
        "vix_close": once(vix.iloc[-1], 2),
        "vix_abs": once(abs((vix.iloc[-1] / vix.iloc[-2] - 1) * 100), 1),
        "dji_close": once(closes(market_dir, "DJI")[:asof].iloc[-1], 2),
        "rut_close": once(closes(market_dir, "RUT")[:asof].iloc[-1], 2),
        "bull_low_date": day(st["bull_low_d"]) if st["bull_low_d"] is not None else "-",
        "bull_up": once((g.iloc[-1] / g[st["bull_low_d"]] - 1) * 100, 1)
        if st["bull_low_d"] is not None else "-",
    }
    return out


PLAIN = {"rank_words", "state_words"}    # placeholders that are regular expressions


def expected(row: dict, facts: dict[str, str]) -> str:
    def fill(m: re.Match) -> str:
        k = m.group(1)
        return facts[k] if k in PLAIN else re.escape(facts[k])

    return re.sub(r"\{([a-z_]+)\}", fill, row["pattern"])


@lru_cache(maxsize=16)
def note_of(market_dir: Path, asof: str):
    run = engine_run(market_dir, asof)
    return compose_note(run.findings, WL, asof)


def test_the_table_covers_the_regimes():
    dates = {r["asof"] for r in ROWS}
    assert len(dates) >= 12
    assert {r["must"] for r in ROWS} == {"say", "not"}


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['asof']}-{r['claim']}" for r in ROWS])
def test_case(market_dir, row):
    note = note_of(market_dir, row["asof"])
    text = note.headline if row["where"] == "headline" else note.markdown()
    pat = expected(row, oracle(market_dir, row["asof"]))
    hit = re.search(pat, text)
    if row["must"] == "say":
        assert hit, f"{row['claim']}: /{pat}/ not in:\n{text}"
    else:
        assert not hit, f"{row['claim']}: /{pat}/ found: {hit.group(0)!r}"


def test_big_picture_opens_every_note(market_dir):
    for asof in sorted({r["asof"] for r in ROWS}):
        note = note_of(market_dir, asof)
        assert note.sections[0].kind == "big_picture", asof
        assert note.sections[-1].kind == "watch", asof


def test_oracle_agrees_on_the_regimes(market_dir):
    """The table's regimes are what the raw closes say (so the rows test the note, not luck)."""
    want = {"2008-10-15": "bear", "2009-03-09": "bear", "2020-03-23": "bear",
            "2022-10-12": "bear", "2011-08-08": "correction", "2018-12-24": "correction",
            "2013-07-08": "bull", "2009-06-12": "bull", "2017-08-01": "bull"}
    for asof, state in want.items():
        assert regime(closes(market_dir, "GSPC")[:asof])["state"] == state, asof
    # a bear market's low must hold: the 2008 and 2001 lows broke, so the bear markets of
    # 2009-03-09 and 2002-07-23 are those that began in 2008 and 2001, from the 2007 and
    # 2000 highs (not new ones from the highs of the bear-market rallies)
    for asof, high, start in (("2009-03-09", "2007-10-09", "2008-07"),
                              ("2002-07-23", "2000-03-24", "2001-03")):
        st = regime(closes(market_dir, "GSPC")[:asof])
        assert str(st["peak_d"].date()) == high and str(st["start_d"].date())[:7] == start
