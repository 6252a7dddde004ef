"""Engine: point in time, stale data, short or flat histories, bad files beside good ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tapereader.config import default_watchlist
from tapereader.data.calendar import sessions
from tapereader.engine import analyze, analyze_symbol, findings_document
from tapereader.findings import validate_document
from tapereader.pipeline import load_and_analyze


def _bars(n: int, start: str = "2012-01-03", price=None, seed: int = 0) -> pd.DataFrame:
    days = sessions(start, "2026-12-31")[:n]
    rng = np.random.default_rng(seed)
    close = price if price is not None else 100 * np.exp(np.cumsum(rng.normal(0.0004, 0.01, n)))
    close = np.broadcast_to(np.asarray(close, dtype=float), (n,)).copy()
    opn = np.r_[close[0], close[:-1]]
    high = np.maximum(opn, close) * (1 + (0 if price is not None else 0.004))
    low = np.minimum(opn, close) * (1 - (0 if price is not None else 0.004))
    return pd.DataFrame({"open": opn, "high": high, "low": low, "close": close,
                         "adj_close": close, "volume": 1e6},
                        index=pd.DatetimeIndex(days, name="date"))


@pytest.mark.realdata
@pytest.mark.parametrize("asof", ["2011-08-08", "2013-07-08", "2015-08-24"])
def test_point_in_time_full_data_equals_data_through_asof(real_bars, asof):
    syms = ["GSPC", "IWM", "QQQ", "SPY", "TLT"]
    full = {s: real_bars(s) for s in syms}
    through = {s: real_bars(s, asof) for s in syms}
    a = analyze(full, asof, default_watchlist())
    b = analyze(through, asof, default_watchlist())
    assert [f.to_dict() for f in a] == [f.to_dict() for f in b]
    assert a, "no findings at all"
    assert all(f.known_at <= asof for f in a)


def test_stale_symbol_reported_not_crashed():
    fresh, old = _bars(600), _bars(300)
    asof = fresh.index[-1].date().isoformat()
    found = analyze({"NEW": fresh, "OLD": old}, asof)
    old_f = [f for f in found if f.symbol == "OLD"]
    assert [f.kind for f in old_f] == ["stale"]
    assert old_f[0].figures["last_date"] == old.index[-1].date().isoformat()
    assert any(f.symbol == "NEW" and f.kind == "change" for f in found)


@pytest.mark.parametrize("n", [1, 3, 15, 40])
def test_short_history_gives_what_it_can(n):
    b = _bars(n)
    found = analyze_symbol(b, "SHORT")
    doc = findings_document(found, {"SHORT": b}, None)
    assert validate_document(doc) == []
    if n > 9:
        assert any(f.kind == "change" and f.figures["sessions"] == 9 for f in found)


def test_flat_prices_do_not_crash():
    b = _bars(800, price=50.0)
    found = analyze_symbol(b, "FLAT")
    assert validate_document(findings_document(found, {"FLAT": b}, None)) == []
    assert not [f for f in found if f.kind in ("trendline", "reversal_day", "breakout")]
    one = [f for f in found if f.kind == "change" and f.figures["sessions"] == 1]
    assert one and one[0].figures["pct"] == 0


def test_gap_in_data_still_analyzed():
    b = _bars(700)
    b = b.drop(b.index[300:320])
    found = analyze_symbol(b, "GAPPY")
    assert any(f.kind == "change" for f in found)


def test_corrupt_file_beside_good_ones(tmp_path):
    _bars(500).to_csv(tmp_path / "GOOD.csv", index_label="date")
    (tmp_path / "BAD.csv").write_text("date,open,high,low,close\n2013-01-02,1,2,x,1\n")
    run = load_and_analyze(tmp_path, None, default_watchlist(), None)
    assert "BAD" in run.errors and "BAD.csv" in str(run.errors["BAD"])
    assert {f.symbol for f in run.findings} == {"GOOD"}
