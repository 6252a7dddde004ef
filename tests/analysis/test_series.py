"""Series from arrays (the scan's path) equal Series from Bars (everyone else's)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tapereader.analysis.series import cut_series, series_from_arrays, series_from_bars
from tapereader.data import cut, read_arrays, read_bars, write_bars

FIELDS = ("dates", "open", "high", "low", "close", "volume", "adj_close")


def assert_same_series(a, b):
    assert (a.symbol, a.timeframe, a.partial_last) == (b.symbol, b.timeframe, b.partial_last)
    for f in FIELDS:
        x, y = getattr(a, f), getattr(b, f)
        assert x.dtype == y.dtype, f
        np.testing.assert_array_equal(x, y, err_msg=f)


@pytest.mark.parametrize("symbol", ["SPY", "RUT", "VIX"])  # RUT: no volume; VIX: none either
def test_arrays_give_the_series_bars_give(market_dir, symbol):
    path = market_dir / f"{symbol}.csv"
    arrays, _ = read_arrays(path)
    bars, _ = read_bars(path)
    assert_same_series(series_from_arrays(arrays, symbol), series_from_bars(bars, symbol))


def test_read_only_parquet_columns_become_writable_arrays(market_dir, tmp_path):
    bars, _ = read_bars(market_dir / "SPY.csv")
    arrays, _ = read_arrays(write_bars(bars, tmp_path / "SPY.parquet"))
    s = series_from_arrays(arrays, "SPY")
    assert all(getattr(s, f).flags.writeable and getattr(s, f).flags.c_contiguous
               for f in FIELDS[1:])
    assert_same_series(s, series_from_bars(bars, "SPY"))


def test_a_file_without_optional_columns_gives_nan_arrays(tmp_path):
    path = tmp_path / "X.csv"
    path.write_text("date,open,high,low,close\n2013-07-01,10,11,9,10.5\n"
                    "2013-07-02,10.5,11,10,10.8\n")
    s = series_from_arrays(read_arrays(path)[0], "X")
    assert np.isnan(s.volume).all() and np.isnan(s.adj_close).all() and len(s) == 2
    assert s.volume is not s.adj_close  # separate arrays, not one shared buffer


@pytest.mark.parametrize("asof", ["2013-07-08", "2013-07-06", "2016-01-01", "1990-01-02",
                                  "2013-07-08 15:30"])
def test_cut_series_is_cut_on_bars(market_dir, asof):
    bars, _ = read_bars(market_dir / "SPY.csv")
    want = series_from_bars(cut(bars, pd.Timestamp(asof)), "SPY")
    assert_same_series(cut_series(series_from_bars(bars, "SPY"), asof), want)
