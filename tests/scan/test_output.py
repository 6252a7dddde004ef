"""Writing the scan table (CSV/Parquet, atomic) and the Rich summary."""

from __future__ import annotations

import pandas as pd
import pytest
from rich.console import Console

from tapereader.scan import ScanError, print_summary, run_scan, write_scan
from tapereader.scan.summary import fresh_rows, strongest
from tests.scan import standin

ASOF = "2013-07-08"


@pytest.fixture
def result(small_universe):
    return run_scan(small_universe, ASOF, workers=1, analyze=standin.analyze)


def test_write_csv_and_parquet_round_trip(result, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    csv = write_scan(result, tmp_path / "scan.csv")
    back = pd.read_csv(csv)
    assert list(back.columns) == list(result.rows.columns)
    assert len(back) == len(result.rows)
    assert back["figures.pct"].tolist() == pytest.approx(result.rows["figures.pct"].tolist(),
                                                         nan_ok=True)
    pq = write_scan(result, tmp_path / "scan.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(pq), result.rows, check_dtype=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scan.csv", "scan.parquet"]  # no temps


def test_write_rejects_bad_targets_without_leaving_files(result, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(ScanError, match=r"\.csv or \.parquet"):
        write_scan(result, tmp_path / "scan.xlsx")
    with pytest.raises(ScanError, match="does not exist"):
        write_scan(result, tmp_path / "missing" / "scan.csv")
    assert list(tmp_path.iterdir()) == []


def test_summary_ranks_by_rating(result):
    top = strongest(result, 3)
    assert list(top["rs_rating"]) == sorted(top["rs_rating"], reverse=True)
    assert top["rs_rating"].iloc[0] == 99
    best = top.index[0]
    assert result.symbols.loc[best, "rs_score"] == result.symbols["rs_score"].max()
    ath = fresh_rows(result, ("all_time_high",))
    # the stand-in emits an all-time high exactly when the last close is the maximum
    for sym in ath["symbol"]:
        assert result.symbols.loc[sym, "close"] == pytest.approx(
            result.rows.loc[(result.rows["symbol"] == sym)
                            & (result.rows["kind"] == "all_time_high"), "figures.value"].item())
    console = Console(record=True, width=140)
    print_summary(result, console)
    text = console.export_text()
    assert "Strongest relative strength" in text and best in text
    assert "Fresh all-time highs" in text and "Bearish reversal days" in text
    assert "1 skipped" in text


def test_fresh_rows_keeps_only_recent_events(result):
    rows = result.rows.copy()
    sym = rows["symbol"].iloc[0]
    old = rows.index[(rows["symbol"] == sym) & (rows["kind"] == "change")][0]
    rows.loc[old, "known_at"] = "2001-01-02"
    result.rows = rows
    kept = fresh_rows(result, ("change",))
    assert old not in kept.index
    assert len(kept) == (rows["kind"] == "change").sum() - 1


def test_summary_shows_one_all_time_high_per_symbol(result):
    rows = result.rows
    assert not (rows["kind"] == "all_time_high").any()  # none in this sample as of 2013-07-08
    base = {"symbol": "AAPL", "kind": "all_time_high", "timeframe": "daily", "date": ASOF,
            "known_at": ASOF, "figures.previous_date": "2012-09-19", "summary": "x"}
    extra = pd.DataFrame([{**base, "figures.basis": "high", "figures.value": 705.07},
                          {**base, "figures.basis": "close", "figures.value": 702.1}])
    result.rows = pd.concat([rows, extra], ignore_index=True)
    console = Console(record=True, width=160)
    print_summary(result, console)
    text = console.export_text()
    part = text.split("Fresh all-time highs")[1].split("Fresh trend")[0]
    assert part.startswith(" (last 5 sessions) (1)")
    assert "702.10" in part and "705.07" not in part


def test_summary_with_no_findings_and_with_nothing_readable(small_universe, tmp_path):
    res = run_scan(small_universe, ASOF, workers=1, analyze=standin.analyze, kinds=["analog"])
    assert res.rows.empty
    console = Console(record=True, width=120)
    print_summary(res, console)
    text = console.export_text()
    assert "0 findings" in text and "Breakouts (last 5 sessions): none" in text
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "X.csv").write_text("nonsense\n")
    res = run_scan(bad, ASOF, workers=1, analyze=standin.analyze)
    assert list(res.errors) == ["X"] and res.rows.empty and res.rating.empty
    console = Console(record=True, width=120)
    print_summary(res, console)
    assert "1 skipped" in console.export_text()
    write_scan(res, tmp_path / "empty.csv")
    assert (tmp_path / "empty.csv").read_text().startswith("symbol,kind,timeframe,date,known_at")


def test_fast_csv_writes_what_pandas_writes_for_the_typed_table(tmp_path):
    from tapereader.findings import Finding
    from tapereader.scan.flatten import findings_frame
    from tapereader.scan.output import to_csv

    def f(sym: str, figures: dict, summary: str) -> Finding:
        return Finding("change", sym, "daily", "2013-07-08", "2013-07-08",
                       {"sessions": 5, "pct": 1.0, "start_date": "2013-07-01", **figures}, summary)

    # every column type, empty cells in each, and the text CSV must quote or escape
    rows = findings_frame([
        f("A", {"x": 0.1, "tiny": 1e-05, "big": 1e16, "n": 3, "flag": True,
                "note": 'say "hi", then\nleave', "uni": "Zürich ≈ 5%"}, "a, b"),
        f("B", {"x": -2.5, "n": -7, "flag": False, "note": ""}, 'quote "q"'),
        f("C", {"tiny": 123456789.125}, "plain"),
    ])
    assert {str(t) for t in rows.dtypes} >= {"float64", "Int64", "boolean", "str"}
    to_csv(rows, tmp_path / "fast.csv")
    rows.to_csv(tmp_path / "ref.csv", index=False, lineterminator="\n")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()
    assert b'"say ""hi"", then\nleave"' in (tmp_path / "fast.csv").read_bytes()
