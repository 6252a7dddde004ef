"""File layouts, parquet round trips and reading folders with bad files among good ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tapereader.data import (
    DataError,
    FolderRead,
    list_symbols,
    read_arrays,
    read_bars,
    read_folder,
    write_bars,
)

FIX = Path(__file__).parent / "fixtures"
DATES = ["2013-07-01", "2013-07-02", "2013-07-03", "2013-07-05"]
OHLC = ["open", "high", "low", "close"]


@pytest.mark.parametrize(
    ("name", "columns", "close", "volume"),
    [
        ("yahoo.csv", [*OHLC, "adj_close", "volume"],
         [1614.959961, 1614.079956, 1615.410034, 1631.890015],
         [3104690000, 3317130000, 1966050000, np.nan]),
        ("stooq.csv", [*OHLC, "volume"], [97.75, 97.58, 97.83, 98.92],
         [31570000, 29870000, 14560000, 25430000]),
        ("stooq_pl.csv", [*OHLC, "volume"], [97.75, 97.58, 97.83, 98.92],
         [31570000, 29870000, 14560000, 25430000]),
        ("stooq_bulk.csv", [*OHLC, "volume"], [97.75, 97.58, 97.83, 98.92],
         [31570000, 29870000, 14560000, 25430000]),
        ("lower.csv", [*OHLC, "adj_close", "volume"], [97.75, 97.58, 97.83, 98.92],
         [31570000, 29870000, np.nan, 25430000]),
    ],
)
def test_layouts_are_detected(name, columns, close, volume):
    bars, warnings = read_bars(FIX / "layouts" / name)
    assert list(bars.columns) == columns
    assert list(bars.index) == [pd.Timestamp(d) for d in DATES]
    assert bars.index.name == "date" and str(bars.index.dtype) == "datetime64[ns]"
    assert (bars.dtypes == "float64").all()
    np.testing.assert_array_equal(bars["close"].to_numpy(), close)
    np.testing.assert_array_equal(bars["volume"].to_numpy(), volume)
    assert warnings == []


def test_empty_adj_close_cells_are_nan_not_errors():
    yahoo, _ = read_bars(FIX / "layouts" / "yahoo.csv")  # Yahoo writes "null"
    assert np.isnan(yahoo.loc["2013-07-03", "adj_close"])
    lower, _ = read_bars(FIX / "layouts" / "lower.csv")  # empty cell
    assert np.isnan(lower.loc["2013-07-02", "adj_close"])
    assert lower.loc["2013-07-05", "adj_close"] == 92.3


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_write_then_read_round_trip(tmp_path, suffix, market_dir):
    bars, _ = read_bars(market_dir / "RUT.csv")  # empty volume column
    path = write_bars(bars.loc["2012":"2013"], tmp_path / f"RUT{suffix}")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left
    back, _ = read_bars(path)
    pd.testing.assert_frame_equal(back, bars.loc["2012":"2013"])


def test_parquet_with_date_column_and_other_names(tmp_path):
    df = pd.read_csv(FIX / "layouts" / "yahoo.csv")
    df["Date"] = pd.to_datetime(df["Date"])
    df.to_parquet(tmp_path / "X.parquet", index=False)
    bars, _ = read_bars(tmp_path / "X.parquet")
    expected, _ = read_bars(FIX / "layouts" / "yahoo.csv")
    pd.testing.assert_frame_equal(bars, expected)


def test_corrupt_parquet_is_a_clear_error(tmp_path):
    path = tmp_path / "X.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(DataError, match=r"X\.parquet: unreadable parquet file"):
        read_bars(path)


def test_missing_file_and_wrong_type(tmp_path):
    with pytest.raises(DataError, match=r"NOPE\.csv: file not found"):
        read_bars(tmp_path / "NOPE.csv")
    with pytest.raises(DataError, match=r"X\.xlsx: unsupported file type"):
        read_bars(tmp_path / "X.xlsx")


def test_list_symbols_ignores_other_files():
    assert list_symbols(FIX / "folder") == ["ALSO", "BAD", "GOOD"]


def test_folder_with_bad_file_reads_the_good_ones():
    res = read_folder(FIX / "folder")
    assert isinstance(res, FolderRead)
    assert sorted(res.bars) == ["ALSO", "GOOD"]
    assert list(res.errors) == ["BAD"]
    msg = str(res.errors["BAD"])
    assert "BAD.csv" in msg and "row 2 (line 3), date 2013-07-02" in msg
    assert "high below open/close" in msg
    assert res.bars["GOOD"].loc["2013-07-05", "close"] == 1631.890015


def test_requested_symbols_missing_file_is_an_error_naming_folder_and_symbol():
    folder = FIX / "folder"
    res = read_folder(folder, ["GOOD", "ZZZ", "also"])
    assert sorted(res.bars) == ["GOOD", "also"]  # case-insensitive fallback
    err = res.errors["ZZZ"]
    assert str(folder) in str(err) and "no file for symbol ZZZ" in str(err)


def test_missing_folder_raises(tmp_path):
    with pytest.raises(DataError, match=r"nowhere: data folder not found"):
        read_folder(tmp_path / "nowhere")
    with pytest.raises(DataError, match="data folder not found"):
        list_symbols(tmp_path / "nowhere")


def test_symbol_with_two_files_is_an_error(tmp_path):
    (tmp_path / "X.csv").write_text((FIX / "layouts" / "lower.csv").read_text())
    bars, _ = read_bars(tmp_path / "X.csv")
    write_bars(bars, tmp_path / "X.parquet")
    res = read_folder(tmp_path)
    assert "symbol X has two files (X.csv and X.parquet)" in str(res.errors["X"])


def test_real_folder_reads_without_errors(market_dir):
    res = read_folder(market_dir)
    assert res.errors == {}
    assert len(res.bars) == 17 and "universe" not in res.bars
    spy = res.bars["SPY"]  # starts 1993, before exchange_calendars' default start
    assert spy.index[0] == pd.Timestamp("1993-02-12")
    assert spy.loc["2013-07-08", "close"] == 163.949997
    assert res.bars["IWM"].loc["2013-07-08", "close"] == pytest.approx(100.07, abs=5e-3)
    assert res.bars["RUT"].loc["2013-07-08", "close"] == pytest.approx(1009.25, abs=5e-3)


def test_reading_is_vectorised(market_dir, tmp_path, monkeypatch):
    """A plain 3000-row file takes the fast path: no per-row pandas work (the wall time is
    in benchmarks/reading.py). Counted, not timed: the general path is never entered."""
    from tapereader.data import readers

    path = tmp_path / "G.csv"
    lines = (market_dir / "GSPC.csv").read_text().splitlines()[:3001]
    path.write_text("\n".join(lines) + "\n")
    calls = []
    monkeypatch.setattr(readers, "_read_any_csv", lambda *a: calls.append(a))
    bars, _ = read_bars(path)
    assert len(bars) == 3000 and calls == []


@pytest.mark.parametrize("name", ["yahoo.csv", "stooq.csv", "stooq_pl.csv", "stooq_bulk.csv",
                                  "lower.csv"])
def test_read_arrays_gives_what_read_bars_gives(name):
    """Fast path (lower.csv) or general path (the others): the same data either way."""
    arrays, warns = read_arrays(FIX / "layouts" / name)
    bars, want = read_bars(FIX / "layouts" / name)
    assert arrays.dates.dtype == "datetime64[ns]" and len(arrays) == len(bars)
    assert list(arrays.values) == list(bars.columns)
    pd.testing.assert_frame_equal(arrays.frame(), bars, check_exact=True)
    assert [str(w) for w in warns] == [str(w) for w in want]


def test_read_arrays_reads_parquet_and_keeps_the_warnings(market_dir, tmp_path):
    csv = market_dir / "VIX.csv"
    bars, want = read_bars(csv)  # big-move warnings, no volume
    assert want
    path = write_bars(bars, tmp_path / "VIX.parquet")
    arrays, warns = read_arrays(path)
    pd.testing.assert_frame_equal(arrays.frame(), bars, check_exact=True)
    assert [str(w).removeprefix(str(path)) for w in warns] == [
        str(w).removeprefix(str(csv)) for w in want]


def test_read_arrays_names_a_bad_file(tmp_path):
    path = tmp_path / "BAD.csv"
    path.write_text("date,open,high,low,close\n2013-07-01,10,9,8,10\n")
    with pytest.raises(DataError, match=r"BAD\.csv.*high below open/close"):
        read_arrays(path)
