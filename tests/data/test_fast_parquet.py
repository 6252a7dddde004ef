"""The fast parquet path gives exactly what the general (pandas) path gives, or steps aside."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tapereader.data import read_bars, sessions, write_bars
from tapereader.data.readers import _read_parquet, _read_plain_parquet
from tapereader.data.validate import validate_frame

from .fastpath import assert_same, outcome

DATES = sessions("2013-06-03", "2013-08-30")
N = len(DATES)


def columns(**change) -> dict:
    rng = np.random.default_rng(3)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, N)))
    cols = {"date": pa.array(DATES.values.astype("datetime64[ns]")),
            "open": pa.array(close * 0.995), "high": pa.array(close * 1.01),
            "low": pa.array(close * 0.985), "close": pa.array(close),
            "adj_close": pa.array(close * 0.9),
            "volume": pa.array(np.round(rng.uniform(1e5, 1e6, N)))}
    cols.update(change)
    return {k: v for k, v in cols.items() if v is not None}


def general(path):
    return outcome(lambda p: validate_frame(_read_parquet(p), str(p)), path)


def check(path, fast: bool):
    assert (_read_plain_parquet(path, str(path)) is not None) == fast
    assert_same(outcome(read_bars, path), general(path))


def test_written_bars_take_the_fast_path(tmp_path, market_dir):
    bars, _ = read_bars(market_dir / "VIX.csv")  # empty volume, big-move warnings
    check(write_bars(bars, tmp_path / "VIX.parquet"), fast=True)


D = DATES.values
VARIANTS = {
    "plain": (columns(), True),
    "us dates": (columns(date=pa.array(D.astype("datetime64[us]"))), True),
    "date32": (columns(date=pa.array(DATES.date)), True),
    "int volume": (columns(volume=pa.array(np.arange(1, N + 1))), True),
    "float32": (columns(close=pa.array(np.linspace(10, 11, N, dtype="float32")),
                        open=pa.array(np.linspace(10, 11, N, dtype="float32")),
                        high=pa.array(np.full(N, 12, dtype="float32")),
                        low=pa.array(np.full(N, 9, dtype="float32"))), True),
    "null volume": (columns(volume=pa.array([None, *range(1, N)], type=pa.float64())), True),
    "no optional": (columns(adj_close=None, volume=None), True),
    "time of day": (columns(date=pa.array(D + np.timedelta64(16, "h"))), False),
    "tz dates": (columns(date=pa.array(DATES.tz_localize("UTC"))), False),
    "text dates": (columns(date=pa.array(DATES.strftime("%Y-%m-%d"))), False),
    "null int volume": (columns(volume=pa.array([None, *range(1, N)], type=pa.int64())),
                        False),
    "bool volume": (columns(volume=pa.array([True] * N)), False),
    "null close": (columns(close=pa.array([None] * N, type=pa.float64())), False),
    "inf volume": (columns(volume=pa.array(np.full(N, np.inf))), False),
    "unsorted": (columns(date=pa.array(D[::-1].astype("datetime64[ns]"))), False),
    "holiday": (columns(date=pa.array(np.sort(np.r_[D[:-1], np.datetime64("2013-07-04")])
                                      .astype("datetime64[ns]"))), False),
    "missing high": (columns(high=None), False),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_variants_match_the_general_path(tmp_path, name):
    cols, fast = VARIANTS[name]
    path = tmp_path / "X.parquet"
    pq.write_table(pa.table(cols), path)
    check(path, fast)


def test_pandas_index_layouts(tmp_path):
    df = pa.table(columns()).to_pandas()
    df.set_index("date").to_parquet(tmp_path / "A.parquet")  # date index (write_bars)
    check(tmp_path / "A.parquet", fast=True)
    df.set_index("date").rename_axis(None).to_parquet(tmp_path / "B.parquet")  # unnamed index
    check(tmp_path / "B.parquet", fast=False)
