"""Tests that fail when what they guard is broken (issue 12's list)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tapereader.findings import Finding, validate_document

ROOT = Path(__file__).resolve().parents[1]
FIGS = {"pct": 1.0, "sessions": 1, "start_date": "2013-07-05"}


def _doc() -> dict:
    f = Finding("change", "SPY", "daily", "2013-07-08", "2013-07-08", FIGS, "SPY rose 1%.")
    return {"asof": "2013-07-08", "data_through": "2013-07-08", "symbols": ["SPY"],
            "findings": [f.to_dict()]}


@pytest.mark.parametrize("breakage", [
    lambda d: d.pop("asof"),
    lambda d: d.update(asof="08/07/2013"),
    lambda d: d.update(symbols="SPY"),
    lambda d: d["findings"][0].pop("kind"),
    lambda d: d.update(extra=1),
])
def test_validate_document_finds_problems(breakage):
    doc = _doc()
    assert validate_document(doc) == []
    breakage(doc)
    assert validate_document(doc) != []  # a validator returning [] always fails here


def test_scan_rows_come_out_sorted_whatever_order_the_blocks_arrive_in():
    from tapereader.scan.flatten import rows_frame, to_block

    def f(sym: str, tf: str, date: str) -> Finding:
        return Finding("change", sym, tf, date, date, FIGS, f"{sym} {tf} {date}")

    blocks = [to_block([f("ZZZ", "daily", "2013-07-08")]),
              to_block([f("AAA", "weekly", "2013-07-05"), f("AAA", "daily", "2013-07-09")]),
              to_block([f("MMM", "daily", "2013-07-08")])]
    rows = rows_frame(reversed(blocks))
    assert list(zip(rows["symbol"], rows["timeframe"], strict=True)) == [
        ("AAA", "daily"), ("AAA", "weekly"), ("MMM", "daily"), ("ZZZ", "daily")]


def test_the_scan_csv_is_written_atomically(tmp_path, monkeypatch):
    from tapereader.scan import output
    from tapereader.scan.runner import ScanError, ScanResult

    out = tmp_path / "scan.csv"
    out.write_text("the previous scan\n")
    rows = pd.DataFrame({"symbol": ["SPY"], "kind": ["change"]})
    res = ScanResult("2013-07-08", "local", rows, {}, {}, pd.DataFrame(), pd.Series(dtype=int))

    def half_then_fail(frame, path):
        Path(path).write_text("symbol,ki")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "to_csv", half_then_fail)
    with pytest.raises(ScanError, match=f"--out {out}: cannot write it"):
        output.write_scan(res, out)
    assert out.read_text() == "the previous scan\n"       # never half-written
    assert [p.name for p in tmp_path.iterdir()] == ["scan.csv"]  # no temp file left


def test_rs_rating_uses_total_return_closes(tmp_path):
    """A symbol whose price fell while it paid (adj_close rose) is scored on adj_close."""
    from tapereader.data import calendar as xcal
    from tapereader.scan import rating
    from tapereader.scan.runner import scan_symbol

    days = xcal.sessions("2011-01-03", "2013-07-08")
    n = len(days)
    close = np.linspace(100, 80, n)
    adj = np.linspace(50, 90, n)
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "open": close, "high": close * 1.01,
                  "low": close * 0.99, "close": close, "adj_close": adj}).to_csv(
        tmp_path / "DIV.csv", index=False)
    r = scan_symbol(tmp_path / "DIV.csv", "2013-07-08", analyze=lambda s, a: [])
    assert r.error is None
    assert r.rs_score == pytest.approx(rating.rs_score(adj))
    assert r.rs_score > 0 > rating.rs_score(close)
    assert math.isfinite(r.ret_252) and r.ret_252 > 0


def test_offline_run_deselects_every_real_data_test():
    r = subprocess.run([sys.executable, "-m", "pytest", "--collect-only",
                        "-m", "not realdata", "tests/test_api.py", "tests/test_cli.py"],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:]
    collected = [x for x in r.stdout.splitlines() if "::" in x]
    assert collected and not [x for x in collected if "readme_example" in x
                              or "test_bars_weekly_csv" in x or "test_the_table_is" in x
                              or "test_unwritable_report_folder" in x]  # marked by fixture


# ------------------------------------------------------------------ the bad-input classes

@pytest.fixture(scope="module")
def bad_input_market(tmp_path_factory):
    from tests.hardening import bad_inputs

    return bad_inputs.make_market(tmp_path_factory.mktemp("bad-inputs") / "market")


def _bad_input_cases():
    from tests.hardening import bad_inputs

    return bad_inputs.CASES


@pytest.mark.parametrize("case", _bad_input_cases(), ids=lambda c: f"{c.group}: {c.name}")
def test_bad_input_class(case, tmp_path, bad_input_market):
    """One line naming what and where, the exit code, no traceback, no file changed."""
    from tests.hardening import bad_inputs

    got = bad_inputs.run_case(case, bad_inputs.Ctx(tmp_path, bad_input_market))
    assert got.behaves, f"{'; '.join(got.problems)}: {got.line}"


def test_the_status_table_lists_every_bad_input_class():
    import re

    from tests.hardening import bad_inputs

    doc = bad_inputs.STATUS.read_text(encoding="utf-8")
    table = doc.split(bad_inputs.BEGIN, 1)[1].split(bad_inputs.END, 1)[0]
    rows = [r.split(" | ") for r in table.splitlines() if re.match(r"\| \d+ \|", r)]
    assert [(r[1], r[2]) for r in rows] == [(c.group, bad_inputs.cell(c.name))
                                           for c in bad_inputs.CASES]
    assert len(rows) >= 136 and {r[1] for r in rows} == {"file", "cli", "store", "api", "env",
                                                     "interrupted"}
    assert all(r[4] == "ok" for r in rows)  # regenerate after a fix: --write


def test_bars_per_year_is_defined_once():
    """One constant (tapereader.data.bars.BARS_PER_YEAR), imported where it is needed."""
    import re

    from tapereader.analysis import channels, levels, records, standing, targets, zones
    from tapereader.data.bars import BARS_PER_YEAR

    assert channels.BARS_PER_YEAR is BARS_PER_YEAR and records.WEEKS_52 is BARS_PER_YEAR
    assert all(m._BARS_PER_YEAR is BARS_PER_YEAR for m in (levels, standing, targets, zones))
    defined = [p.relative_to(ROOT).as_posix() for p in (ROOT / "src").rglob("*.py")
               if re.search(r'^\s*_?BARS_PER_YEAR\s*=|\{"daily": 252',
                            p.read_text(encoding="utf-8"), re.M)]
    assert defined == ["src/tapereader/data/bars.py"]
