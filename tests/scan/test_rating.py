"""The IBD-style relative strength score and its 1-99 rating."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tapereader.scan.rating import MIN_BARS, rs_rating, rs_score, window_return


def _quarters(rets: list[float], start: float = 100.0) -> np.ndarray:
    """Closes that grow geometrically within each of four 63-bar quarters (oldest first)."""
    c = [start]
    for r in rets:  # oldest quarter first
        step = (1 + r) ** (1 / 63)
        c += [c[-1] * step ** k for k in range(1, 64)][:63]
    return np.array(c)


def test_score_weights_latest_quarter_double():
    # oldest -> latest quarter returns: +10%, -5%, +20%, +30%
    c = _quarters([0.10, -0.05, 0.20, 0.30])
    assert len(c) == MIN_BARS
    expected = (0.4 * 0.30 + 0.2 * 0.20 + 0.2 * -0.05 + 0.2 * 0.10) * 100
    assert rs_score(c) == pytest.approx(expected, rel=1e-9)
    # more history before does not change it
    longer = np.concatenate([np.linspace(50, 100, 200)[:-1], c])
    assert rs_score(longer) == pytest.approx(expected, rel=1e-9)


def test_score_needs_a_year():
    c = _quarters([0.1, 0.1, 0.1, 0.1])
    assert math.isnan(rs_score(c[1:]))
    bad = c.copy()
    bad[-64] = np.nan
    assert math.isnan(rs_score(bad))


def test_window_return():
    c = np.array([100.0, 90.0, 110.0])
    assert window_return(c, 2) == pytest.approx(10.0)
    assert math.isnan(window_return(c, 3))


def test_rating_ranks_linearly_from_1_to_99():
    s = pd.Series([30.0, -5.0, 10.0, np.nan, 10.0], index=list("abcde"))
    r = rs_rating(s)
    assert r["b"] == 1 and r["a"] == 99
    assert r["c"] == r["e"] == 50  # tied, average rank 2.5 of 1..4 -> 1 + 98 * 1.5 / 3
    assert r.isna()["d"]
    big = pd.Series(np.arange(1000.0))
    rb = rs_rating(big)
    assert rb.min() == 1 and rb.max() == 99
    assert rb.is_monotonic_increasing
    assert abs(int(rb[500]) - 50) <= 1
    assert rs_rating(pd.Series([3.0], index=["x"]))["x"] == 50
    assert rs_rating(pd.Series([np.nan], index=["x"])).isna().all()


def test_real_score_matches_an_independent_pandas_computation(universe_dir):
    df = pd.read_csv(universe_dir / "AAPL.csv", index_col="date", parse_dates=True)
    tr = df["adj_close"].loc[:"2013-07-08"]
    q = [tr.iloc[-1 - 63 * k] for k in range(5)]
    oracle = 100 * (0.4 * (q[0] / q[1] - 1) + 0.2 * (q[1] / q[2] - 1)
                    + 0.2 * (q[2] / q[3] - 1) + 0.2 * (q[3] / q[4] - 1))
    assert rs_score(tr.to_numpy()) == pytest.approx(oracle, rel=1e-12)
    assert oracle < 0  # AAPL fell hard from its Sept 2012 high: a weak rating case
