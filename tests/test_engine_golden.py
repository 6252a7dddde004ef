"""The engine's findings on real data, pinned: any change to a figure, a summary, a score or
the set of findings fails here (speed work must leave them identical).

Regenerate after a deliberate change, in its own commit saying why:
``TAPEREADER_REGEN_GOLDEN=1 pytest tests/test_engine_golden.py``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tapereader.engine import analyze_symbol

GOLDEN = Path(__file__).parent / "cases" / "engine_golden.jsonl"
# a rally at a record, a crash day, a bond crash-and-rebound, a bear-market low
CASES = (("SPY", "2013-07-08"), ("IWM", "2008-10-15"), ("TLT", "2020-03-23"),
         ("GSPC", "2022-10-12"))


def _rows(real_bars) -> list[dict]:
    rows = []
    for sym, asof in CASES:
        for f in analyze_symbol(real_bars(sym), sym, asof):
            rows.append({"case": f"{sym}@{asof}", **f.to_dict(), "score": f.score})
    return rows


@pytest.mark.realdata
def test_findings_equal_the_pinned_ones(real_bars):
    got = [json.loads(json.dumps(r)) for r in _rows(real_bars)]
    if os.environ.get("TAPEREADER_REGEN_GOLDEN"):
        GOLDEN.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in got))
    want = [json.loads(line) for line in GOLDEN.read_text().splitlines()]
    assert len(got) == len(want), f"{len(got)} findings, {len(want)} pinned"
    for g, w in zip(got, want, strict=True):
        assert g == w, f"{w['case']} {w['kind']}: {g} != pinned {w}"
    assert {r["case"] for r in want} == {f"{s}@{a}" for s, a in CASES}
