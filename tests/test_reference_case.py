"""The reference case (../shared/DESIGN.md), claim by claim, from real prices.

One table of expected findings (tests/cases/*.csv), one test that walks it: each row names
the symbol, the kind and the predicates a finding must satisfy (or, for ``present=no``, that
no finding satisfies them).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

from tapereader.config import default_watchlist
from tapereader.data.readers import read_folder
from tapereader.engine import analyze, findings_document
from tapereader.findings import validate_document

from .claims import matches

CASES = sorted((Path(__file__).parent / "cases").glob("*.csv"))
ROWS = [row for path in CASES for row in csv.DictReader(path.open())]


@cache
def _document(folder: str, asof: str) -> dict:
    wl = default_watchlist()
    res = read_folder(Path(folder), [s for s in wl.instruments])
    found = analyze(res.bars, asof, wl)
    return findings_document(found, res.bars, asof)


@pytest.mark.realdata
@pytest.mark.parametrize("row", ROWS, ids=[r["claim"] for r in ROWS])
def test_claim(row, market_dir):
    doc = _document(str(market_dir), row["asof"])
    cands = [f for f in doc["findings"]
             if f["kind"] == row["kind"] and f["timeframe"] == row["timeframe"]
             and (row["symbol"] == "*" or f["symbol"] == row["symbol"])
             and (f["other_symbol"] or "") == row["other_symbol"]]
    hits = [f for f in cands if matches(f, row["match"])]
    if row["present"] == "yes":
        assert hits, (f"{row['claim']}: no {row['kind']} finding for {row['symbol']} matches "
                      f"{row['match']!r}; candidates: {[c['figures'] for c in cands][:6]}")
    else:
        assert not hits, f"{row['claim']}: unexpected {hits}"


@pytest.mark.realdata
def test_reference_document_follows_the_contract(market_dir):
    doc = _document(str(market_dir), "2013-07-08")
    assert validate_document(doc) == []
    assert doc["asof"] == "2013-07-08" and doc["data_through"] == "2013-07-08"


@pytest.mark.realdata
def test_iwm_channel_steeper_since_nov_2012_than_since_2009(market_dir):
    doc = _document(str(market_dir), "2013-07-08")
    ch = [f["figures"] for f in doc["findings"] if f["kind"] == "channel" and f["symbol"] == "IWM"]
    recent = [c for c in ch if "2012-10-15" <= c["start_date"] <= "2012-12-31"]
    since09 = [c for c in ch if "2009-02-01" <= c["start_date"] <= "2009-04-30"]
    assert recent and since09, ch
    assert recent[0]["slope_pct_per_year"] > since09[0]["slope_pct_per_year"]
