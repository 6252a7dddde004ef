"""The scan driver with a stand-in engine: errors, progress, kinds, asof, local engine."""

from __future__ import annotations

import pandas as pd
import pytest

from tapereader.data.dates import NotADate
from tapereader.scan import ScanError, run_scan, write_scan
from tapereader.scan.runner import chunked, scan_symbol
from tests.scan import standin

ASOF = "2013-07-08"
GOOD = ("A", "AAPL", "ABBV", "ABT", "ACN", "ADBE", "ADI", "ADM")


def test_bad_file_is_reported_and_skipped(small_universe):
    seen = []
    res = run_scan(small_universe, ASOF, workers=1, analyze=standin.analyze,
                   progress=lambda done, total: seen.append((done, total)))
    assert set(res.errors) == {"BAD"}
    assert "BAD.csv" in res.errors["BAD"]
    assert set(res.rows["symbol"]) == {*GOOD, "SHORT"}
    assert seen == [(i, 10) for i in range(1, 11)]  # once per symbol, in order of completion
    assert set(res.symbols.index) == {*GOOD, "SHORT"}
    # SHORT ends 2013-06-28: the engine reports it stale and the rating leaves it out
    short = res.rows[res.rows["symbol"] == "SHORT"]
    assert list(short["kind"]) == ["stale"]
    assert res.symbols.loc["SHORT", "stale"]
    assert pd.isna(res.rating["SHORT"])
    # everything else rated 1..99 with the extremes taken
    rated = res.rating.dropna()
    assert set(rated.index) == set(GOOD) - {"ABBV"} or set(rated.index) == set(GOOD)
    assert rated.max() == 99 and rated.min() == 1


def test_engine_failure_on_one_symbol_is_reported(small_universe):
    (small_universe / "BOOM.csv").write_text((small_universe / "ADM.csv").read_text())
    res = run_scan(small_universe, ASOF, workers=1, analyze=standin.analyze)
    assert set(res.errors) == {"BAD", "BOOM"}
    assert "engine failed: RuntimeError: planted failure" in res.errors["BOOM"]


def test_two_files_for_one_symbol_is_an_error_for_that_symbol(small_universe):
    res0 = run_scan(small_universe, ASOF, workers=1, analyze=standin.analyze)
    res0.rows.iloc[:0].to_parquet(small_universe / "ADM.parquet")
    res = run_scan(small_universe, ASOF, workers=1, analyze=standin.analyze)
    assert "two files" in res.errors["ADM"]
    assert "ADM" not in set(res.rows["symbol"])


def test_rows_are_the_engine_findings_flattened(small_universe):
    res = run_scan(small_universe, ASOF, workers=1, analyze=standin.analyze)
    from tapereader.analysis.series import series_from_bars
    from tapereader.data.readers import read_bars

    bars, _ = read_bars(small_universe / "AAPL.csv")
    direct = standin.analyze(series_from_bars(bars, "AAPL"), ASOF)
    got = res.rows[res.rows["symbol"] == "AAPL"]
    assert sorted(got["kind"]) == sorted(f.kind for f in direct)
    ch = got[got["kind"] == "change"].iloc[0]
    want = next(f for f in direct if f.kind == "change")
    assert ch["figures.pct"] == want.figures["pct"]
    assert ch["date"] == ASOF == want.date
    cross = got[got["kind"] == "cross_asset"].iloc[0]
    assert cross["figures.returns.SPY"] == 1.5 and cross["figures.returns.X"] == -2.0
    assert pd.isna(ch["figures.returns.SPY"])  # a figure the finding lacks is empty


def test_local_pool_equals_in_process(small_universe, tmp_path):
    one = run_scan(small_universe, ASOF, workers=1, analyze=standin.analyze)
    seen = []
    two = run_scan(small_universe, ASOF, workers=2, analyze=standin.analyze,
                   progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, 10) for i in range(1, 11)]
    pd.testing.assert_frame_equal(one.rows, two.rows)
    pd.testing.assert_series_equal(one.rating, two.rating)
    assert one.errors == two.errors
    a = write_scan(one, tmp_path / "one.csv").read_bytes()
    b = write_scan(two, tmp_path / "two.csv").read_bytes()
    assert a == b and len(a) > 1000


def test_kinds_filter_and_unknown_kind(small_universe):
    res = run_scan(small_universe, ASOF, workers=1, analyze=standin.analyze,
                   kinds=["all_time_high", "change"])
    assert set(res.rows["kind"]) <= {"all_time_high", "change"}
    assert (res.rows["kind"] == "change").sum() == len(GOOD)
    with pytest.raises(ScanError, match=r"unknown finding kind.*bogus"):
        run_scan(small_universe, ASOF, analyze=standin.analyze, kinds=["bogus"])


def test_asof_none_uses_latest_date_and_marks_short_histories_stale(small_universe):
    res = run_scan(small_universe, None, workers=1, analyze=standin.analyze)
    assert res.asof == "2016-12-30"
    short = res.rows[res.rows["symbol"] == "SHORT"]
    assert list(short["kind"]) == ["stale"]
    assert short["date"].item() == "2013-06-28"
    aapl = res.rows[(res.rows["symbol"] == "AAPL") & (res.rows["kind"] == "change")]
    assert aapl["date"].item() == "2016-12-30"


def test_bad_arguments(small_universe, tmp_path):
    with pytest.raises(ScanError, match="unknown scan engine"):
        run_scan(small_universe, ASOF, engine="spark")
    with pytest.raises(ScanError, match="data folder not found"):
        run_scan(tmp_path / "nope", ASOF)
    with pytest.raises(NotADate, match="asof 'July 2013x' is not a date"):
        run_scan(small_universe, "July 2013x")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ScanError, match="no symbol files"):
        run_scan(tmp_path / "empty", ASOF)


def test_scan_symbol_reports_unreadable_file(tmp_path):
    p = tmp_path / "XX.parquet"
    p.write_bytes(b"not parquet at all")
    r = scan_symbol(p, ASOF, analyze=standin.analyze)
    assert r.error and "XX.parquet" in r.error and r.rows is None


def test_chunked_covers_everything_in_order():
    items = list(range(1000))
    ch = chunked(items, 2)
    assert [x for c in ch for x in c] == items
    assert max(len(c) for c in ch) <= 32
    assert chunked([], 4) == []
    assert chunked([1], 4) == [[1]]


def test_pool_workers_collect_garbage_and_the_driver_gets_its_gc_state_back(small_universe):
    import gc

    assert gc.isenabled() and gc.get_freeze_count() == 0
    res = run_scan(small_universe, ASOF, workers=2, analyze=standin.gc_state)
    ok = res.rows[res.rows["symbol"] != "BAD"]
    # forked after the driver froze its heap: the workers never walk it, but do collect
    assert ok["figures.gc_enabled"].all() and ok["figures.inherited_frozen"].all()
    assert gc.isenabled() and gc.get_freeze_count() == 0  # unfrozen, collector back on
    gc.disable()
    try:
        run_scan(small_universe, ASOF, workers=2, analyze=standin.gc_state)
        assert not gc.isenabled()  # a caller's choice to keep the collector off is kept
    finally:
        gc.enable()


def test_a_callers_own_frozen_objects_stay_frozen(small_universe):
    import gc

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        res = run_scan(small_universe, ASOF, workers=2, analyze=standin.gc_state)
        # a frozen object the scan releases (a cache entry replaced) leaves the count, so
        # compare with what an unfreeze would leave (nothing), not for equality
        assert gc.get_freeze_count() > 0.99 * frozen
        assert res.rows.loc[res.rows["symbol"] != "BAD", "figures.gc_enabled"].all()
    finally:
        gc.unfreeze()
