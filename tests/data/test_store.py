"""The DuckDB store: round trip, upsert, ranges, coverage."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from tapereader.data.errors import DataError
from tapereader.data.resample import calendar
from tapereader.data.store import Store


def make_bars(start: str, end: str, seed: int = 0, adj: bool = True, volume: bool = True):
    """Synthetic Bars on XNYS sessions with awkward floats (not round numbers)."""
    days = calendar().sessions_in_range(start, end)
    idx = pd.DatetimeIndex(days, name="date", freq=None).as_unit("ns")
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(idx))))
    df = pd.DataFrame(
        {
            "open": close * (1 + rng.normal(0, 0.003, len(idx))),
            "high": close * 1.01 + 0.123456789,
            "low": close * 0.99 - 0.000001,
            "close": close,
        },
        index=idx,
    )
    if adj:
        df["adj_close"] = close * 0.97
    if volume:
        df["volume"] = rng.integers(1_000, 10**9, len(idx)).astype("float64")
    return df


def test_round_trip_exact(tmp_path):
    bars = make_bars("2013-06-03", "2013-07-31")
    bars.loc["2013-07-05", "volume"] = np.nan  # a missing volume stays missing
    bars.loc["2013-06-10", "adj_close"] = np.nan
    db = tmp_path / "deep" / "nested" / "bars.duckdb"  # parent folders are created
    with Store(db) as store:
        assert store.put("spy", bars, "test") == len(bars)
        out = store.get("SPY")
    pdt.assert_frame_equal(out, bars, check_exact=True)
    assert out.index.name == "date" and str(out.index.dtype) == "datetime64[ns]"
    assert list(out.dtypes) == [np.float64] * 6
    assert np.isnan(out.loc["2013-07-05", "volume"]) and out["volume"].isna().sum() == 1


def test_persists_across_connections_and_optional_columns(tmp_path):
    db = tmp_path / "bars.duckdb"
    no_vol = make_bars("2013-01-02", "2013-01-31", seed=1, adj=False, volume=False)
    with Store(db) as store:
        store.put("RUT", no_vol, "files")
    with Store(db) as store:
        out = store.get("RUT")
        assert list(out.columns) == ["open", "high", "low", "close"]  # no all-NULL columns
        pdt.assert_frame_equal(out, no_vol, check_exact=True)
        assert store.get("NOPE") is None and store.last_date("NOPE") is None


def test_upsert_replaces_overlap_and_ranges(tmp_path):
    first = make_bars("2013-06-03", "2013-06-28", seed=2)
    second = make_bars("2013-06-24", "2013-07-12", seed=3)  # overlaps the last week
    with Store(tmp_path / "s.duckdb") as store:
        store.put("IWM", first, "yahoo")
        assert store.put("IWM", second, "stooq") == len(second)
        out = store.get("IWM")
        union = pd.concat([first.loc[:"2013-06-21"], second])
        pdt.assert_frame_equal(out, union, check_exact=True)
        assert store.last_date("IWM") == date(2013, 7, 12)
        part = store.get("IWM", start="2013-06-27", end=date(2013, 7, 2))
        assert [d.strftime("%m-%d") for d in part.index] == ["06-27", "06-28", "07-01", "07-02"]
        assert part.loc["2013-06-27", "close"] == second.loc["2013-06-27", "close"]
        sources = store._con.execute(
            "SELECT source, count(*) FROM bars GROUP BY source ORDER BY source").fetchall()
        assert sources == [("stooq", len(second)), ("yahoo", len(first.loc[:"2013-06-21"]))]


def test_symbols_and_coverage(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        assert store.symbols() == [] and store.coverage() == []
        store.put("QQQ", make_bars("2013-07-01", "2013-07-12"), "yahoo")
        store.put("GSPC", make_bars("2012-11-01", "2013-07-08"), "yahoo")
        assert store.put("EMPTY", make_bars("2013-07-01", "2013-07-12").iloc[:0], "x") == 0
        assert store.symbols() == ["GSPC", "QQQ"]
        n = len(calendar().sessions_in_range("2012-11-01", "2013-07-08"))
        assert store.coverage() == [("GSPC", date(2012, 11, 1), date(2013, 7, 8), n),
                                    ("QQQ", date(2013, 7, 1), date(2013, 7, 12), 9)]


def test_bad_input_is_a_clear_error(tmp_path):
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(DataError, match="lack columns low"):
        store.put("X", make_bars("2013-07-01", "2013-07-12").drop(columns="low"), "x")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DataError, match=r"cannot open the store"):
        Store(blocker / "s.duckdb")
