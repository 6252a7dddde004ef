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
    open_ = close * (1 + rng.normal(0, 0.003, len(idx)))
    df = pd.DataFrame(
        {
            "open": open_,
            "high": np.maximum(open_, close) * 1.01 + 0.123456789,
            "low": np.minimum(open_, close) * 0.99 - 0.000001,
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


# ------------------------------------------------------------------ bad stores (issue 12, item 6)

def _filled(path, symbols=("SPY", "IWM")):
    with Store(path) as store:
        for i, sym in enumerate(symbols):
            store.put(sym, make_bars("2005-01-03", "2013-07-08", seed=i), "test")
    return path


@pytest.mark.parametrize("read_only", [True, False])
def test_a_truncated_store_is_named(tmp_path, read_only):
    db = _filled(tmp_path / "s.duckdb")
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    before = db.read_bytes()
    with pytest.raises(DataError) as got, Store(db, read_only=read_only) as store:
        [store.get(s) for s in store.symbols()]
    assert str(got.value).startswith(f"{db}: truncated or damaged DuckDB file")
    assert "\n" not in str(got.value)
    assert db.read_bytes() == before  # nothing written into it


@pytest.mark.parametrize("read_only", [True, False])
@pytest.mark.parametrize("content", [b"date,open,high,low,close\n2013-07-08,1,2,1,2\n", b""])
def test_a_text_file_named_duckdb_is_not_a_store(tmp_path, read_only, content):
    db = tmp_path / "prices.duckdb"
    db.write_bytes(content)
    with pytest.raises(DataError, match=r"prices.duckdb: not a DuckDB database file$"):
        Store(db, read_only=read_only)
    assert db.read_bytes() == content and [p.name for p in tmp_path.iterdir()] == [db.name]


@pytest.mark.parametrize("read_only", [True, False])
def test_a_foreign_duckdb_file_is_refused_and_left_alone(tmp_path, read_only):
    import duckdb

    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE customers (id INTEGER, name VARCHAR)")
    con.execute("CREATE TABLE orders (id INTEGER)")
    con.close()
    with pytest.raises(DataError, match=r"other.duckdb: not a tapereader store: no table bars "
                                        r"\(it holds customers, orders\)$"):
        Store(db, read_only=read_only)
    con = duckdb.connect(str(db), read_only=True)
    tables = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    con.close()
    assert sorted(tables) == [("customers",), ("orders",)]  # no bars table added


def test_a_bars_table_of_another_shape_is_refused(tmp_path):
    import duckdb

    db = tmp_path / "s.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE bars (symbol VARCHAR, date DATE, close DOUBLE, note VARCHAR)")
    con.close()
    with pytest.raises(DataError) as got:
        Store(db, read_only=True)
    assert str(got.value).startswith(f"{db}: not a tapereader store: its table bars lacks "
                                     "open DOUBLE, high DOUBLE, low DOUBLE")
    assert str(got.value).endswith("; has note VARCHAR")


def test_a_read_only_store_must_exist_and_an_empty_duckdb_has_no_symbols(tmp_path):
    import duckdb

    with pytest.raises(DataError, match=r"none.duckdb: no such store"):
        Store(tmp_path / "none.duckdb", read_only=True)
    assert not (tmp_path / "none.duckdb").exists()
    duckdb.connect(str(tmp_path / "e.duckdb")).close()  # a DuckDB file without tables
    with Store(tmp_path / "e.duckdb", read_only=True) as store:
        assert store.symbols() == [] and store.get("SPY") is None
        assert store.last_date("SPY") is None and store.coverage() == []
    with pytest.raises(DataError, match="is a folder, not a store file"):
        Store(tmp_path, read_only=True)
    with Store(tmp_path / "e.duckdb", read_only=True) as reader:  # filled while let go
        assert reader.symbols() == []
        with reader.released():
            _filled(tmp_path / "e.duckdb")
        assert reader.symbols() == ["IWM", "SPY"]


def test_query_errors_are_data_errors_naming_the_store(tmp_path):
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(
            DataError, match=r"s.duckdb: query failed: Catalog Error"):
        store._rows("SELECT * FROM nosuch")
    with Store(_filled(tmp_path / "r.duckdb"), read_only=True) as store, pytest.raises(
            DataError, match=r"r.duckdb: opened read-only: cannot store SPY"):
        store.put("SPY", make_bars("2013-07-09", "2013-07-12"), "x")


def _insert_raw(db, day: str, o: float, h: float, low: float, c: float) -> None:
    """A row written past the store's checks (another tool, an old version, a hand edit)."""
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("INSERT OR REPLACE INTO bars VALUES ('SPY', ?, ?, ?, ?, ?, NULL, 1000, 'x', "
                "now()::TIMESTAMP)", [day, o, h, low, c])
    con.close()


@pytest.mark.parametrize("row,rule", [
    (("2013-07-06", 160.0, 161.0, 159.0, 160.5), "not an XNYS session: Saturday"),
    (("2013-07-09", 160.0, 159.5, 158.0, 159.0), "high below open/close: high 159.5 < open 160"),
])
def test_bars_read_from_the_store_are_validated(tmp_path, row, rule):
    db = _filled(tmp_path / "s.duckdb")
    _insert_raw(db, *row)
    with Store(db, read_only=True) as store:
        with pytest.raises(DataError) as got:
            store.get("spy")
        assert store.get("IWM") is not None  # the other symbol is fine
    assert str(got.value).startswith(f"{db}, symbol SPY, row ")
    assert str(got.value).endswith(f", date {row[0]}: {rule}")
    with Store(db) as store, pytest.raises(DataError, match=r"store put SPY.*not an XNYS session"):
        store.put("SPY", make_bars("2013-07-01", "2013-07-03").set_axis(
            pd.DatetimeIndex(["2013-07-01", "2013-07-02", "2013-07-06"], name="date")), "x")


_HOLD = """
import sys
from tapereader.data.store import Store
store = Store(sys.argv[1], read_only=sys.argv[2] == "ro")
store.symbols()
print("holding", flush=True)
sys.stdin.readline()
store.close()
"""


def _holder(db, mode: str):
    """A separate process that holds ``db`` open (read-only or read-write) until told."""
    import subprocess
    import sys

    p = subprocess.Popen([sys.executable, "-c", _HOLD, str(db), mode], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline() == "holding\n"
    return p


def _let_go(p) -> None:
    p.communicate("\n", timeout=60)
    assert p.returncode == 0


def test_two_readers_in_separate_processes_do_not_lock_each_other_out(tmp_path):
    from tapereader.config import default_watchlist
    from tapereader.pipeline import _read_store

    db = _filled(tmp_path / "s.duckdb")
    reader = _holder(db, "ro")
    try:
        with Store(db, read_only=True, wait=0) as store:  # a second reader, another process
            assert store.symbols() == ["IWM", "SPY"] and len(store.get("SPY")) > 2000
        _, res = _read_store(db, None, default_watchlist())  # what findings/report open
        assert sorted(res.bars) == ["IWM", "SPY"] and not res.errors
    finally:
        _let_go(reader)


def test_a_store_held_by_a_writer_is_waited_for_then_named(tmp_path):
    db = _filled(tmp_path / "s.duckdb")
    writer = _holder(db, "rw")
    try:
        with pytest.raises(DataError) as got:
            Store(db, read_only=True, wait=0.3)
    finally:
        _let_go(writer)
    assert str(got.value) == (f"{db}: in use by another process (PID {writer.pid}): "
                              "try again when it has finished")
    with Store(db, read_only=True, wait=0) as store:  # once it let go
        assert store.symbols() == ["IWM", "SPY"]
