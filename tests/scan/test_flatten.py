"""Findings -> rows: columns, types, nesting and a deterministic order."""

from __future__ import annotations

import json
import random

import pandas as pd

from tapereader.findings import Finding
from tapereader.scan.flatten import findings_frame, flatten, rows_frame, to_block


def _findings() -> list[Finding]:
    return [
        Finding("trendline", "ZZZ", "weekly", "2013-07-05", "2013-07-05",
                {"direction": "up", "scale": "log", "anchors": ["2012-11-16", "2013-04-19"],
                 "touches": 3, "slope_pct_per_week": 0.41, "value_at_asof": 1590.5,
                 "state": "broken", "break_date": "2013-06-21"}, "line"),
        Finding("trendline", "AAA", "weekly", "2013-07-05", "2013-07-05",
                {"direction": "down", "scale": "log", "anchors": ["2012-01-06", "2013-01-04"],
                 "touches": 2, "slope_pct_per_week": -0.2, "value_at_asof": 10,
                 "state": "intact", "break_date": None}, "line"),
        Finding("cross_asset", "AAA", "daily", "2013-07-08", "2013-07-08",
                {"period": "ytd", "returns": {"SPY": 16.5, "TLT": -7.25},
                 "roles": {"SPY": "benchmark"}}, "cross"),
        Finding("change", "AAA", "daily", "2013-07-08", "2013-07-08",
                {"sessions": 9, "pct": 5.66, "start_date": "2013-06-25"}, "change 9"),
        Finding("change", "AAA", "daily", "2013-07-08", "2013-07-08",
                {"sessions": 5, "pct": 2.5, "start_date": "2013-07-01"}, "change 5"),
    ]


def test_flatten_nested_dicts_to_dotted_columns_and_lists_to_json():
    row = flatten(_findings()[2])
    assert row["figures.returns.SPY"] == 16.5
    assert row["figures.returns.TLT"] == -7.25
    assert row["figures.roles.SPY"] == "benchmark"
    assert "figures.returns" not in row
    row = flatten(_findings()[0])
    assert json.loads(row["figures.anchors"]) == ["2012-11-16", "2013-04-19"]
    assert row["figures.anchors"] == '["2012-11-16","2013-04-19"]'
    assert list(row)[:5] == ["symbol", "kind", "timeframe", "date", "known_at"]
    assert list(row)[-1] == "summary"


def test_rows_frame_columns_types_and_order_do_not_depend_on_input_order():
    fs = _findings()
    frames = []
    for seed in range(4):
        shuffled = fs[:]
        random.Random(seed).shuffle(shuffled)
        frames.append(findings_frame(shuffled))
    for f in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], f)
        assert frames[0].to_csv(index=False) == f.to_csv(index=False)
    df = frames[0]
    assert list(df["symbol"]) == ["AAA", "AAA", "AAA", "AAA", "ZZZ"]
    assert list(df["kind"]) == ["change", "change", "cross_asset", "trendline", "trendline"]
    # same symbol/kind/date: the figures decide (repr of the sorted figures: pct 2.5 < 5.66)
    assert df["figures.sessions"].iloc[:2].tolist() == [5, 9]
    cols = list(df.columns)
    assert cols[:5] == ["symbol", "kind", "timeframe", "date", "known_at"]
    assert cols[-1] == "summary"
    assert cols[5:-1] == sorted(cols[5:-1])
    assert "other_symbol" not in cols
    assert str(df["figures.touches"].dtype) == "Int64"
    assert str(df["figures.sessions"].dtype) == "Int64"
    assert df["figures.value_at_asof"].dtype == "float64"  # 1590.5 and 10 mix -> float
    assert df["figures.break_date"].isna().sum() == 4  # None and absent both empty
    assert df.loc[df["symbol"] == "ZZZ", "figures.break_date"].item() == "2013-06-21"


def test_rows_frame_empty():
    df = rows_frame([])
    assert list(df.columns) == ["symbol", "kind", "timeframe", "date", "known_at", "summary"]
    assert len(df) == 0


def test_blocks_merge_like_one_block():
    fs = _findings()
    one = findings_frame(fs)
    split = rows_frame([to_block(fs[3:]), to_block([]), to_block(fs[:3])])
    pd.testing.assert_frame_equal(one, split)
    assert one.to_csv(index=False) == split.to_csv(index=False)


def test_mixed_and_boolean_columns():
    a = Finding("zone", "A", "daily", "2013-07-08", "2013-07-08",
                {"role": "resistance", "low": 1, "high": 2.5, "touches": 3,
                 "last_touch": "2013-07-01", "distance_pct": -1.0, "flag": True, "x": 1}, "a")
    b = Finding("zone", "B", "daily", "2013-07-08", "2013-07-08",
                {"role": "support", "low": 2, "high": 3, "touches": 2,
                 "last_touch": "2013-06-01", "distance_pct": 2.0, "flag": False, "x": "y"}, "b")
    df = findings_frame([b, a])
    assert str(df["figures.flag"].dtype) == "boolean"
    assert df["figures.flag"].tolist() == [True, False]
    assert df["figures.high"].dtype == "float64" and df["figures.high"].tolist() == [2.5, 3.0]
    assert str(df["figures.low"].dtype) == "Int64"
    assert df["figures.x"].tolist() == ["1", "y"]  # a mix of number and text is text


def test_numpy_scalars_and_nan_are_cleaned():
    import numpy as np

    f = Finding("change", "A", "daily", "2013-07-08", "2013-07-08",
                {"sessions": np.int64(5), "pct": np.float64(1.25), "start_date": "2013-07-01",
                 "nan": float("nan"), "arr": [np.float64(1.5), np.nan],
                 "nested": {"x": np.float32(2.0)}}, "s")
    row = flatten(f)
    assert type(row["figures.sessions"]) is int and row["figures.sessions"] == 5
    assert type(row["figures.pct"]) is float
    assert row["figures.nan"] is None
    assert row["figures.arr"] == "[1.5,null]"
    assert row["figures.nested.x"] == 2.0 and type(row["figures.nested.x"]) is float
