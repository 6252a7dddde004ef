"""Incremental update of the store from providers served on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from tapereader.data.fetch import last_closed_session, missing_range, update
from tapereader.data.providers import StooqProvider, YahooProvider
from tapereader.data.store import Store
from tests.data.httpserver import closed_port, serve, stooq_route, yahoo_route


def day_of(epoch: str) -> date:
    return datetime.fromtimestamp(int(epoch), UTC).date()


def test_missing_range_uses_sessions():
    # Thu 2013-07-03 cached; Fri 07-04 is a holiday: first missing session is Fri 07-05
    assert missing_range(date(2013, 7, 3), date(2013, 7, 12)) == (
        date(2013, 7, 5), date(2013, 7, 12))
    assert missing_range(date(2013, 7, 5), date(2013, 7, 7)) is None  # weekend only
    assert missing_range(date(2013, 7, 3), date(2013, 7, 4)) is None  # holiday only
    assert missing_range(date(2013, 7, 12), date(2013, 7, 12)) is None
    assert missing_range(None, date(2013, 7, 14), start=date(2013, 6, 1)) == (
        date(2013, 6, 1), date(2013, 7, 12))
    assert missing_range(None, date(2013, 7, 7), start=date(2013, 7, 6)) is None


def test_last_closed_session():
    # 2013-07-08 15:00 New York: the session is running, the last closed one is Fri 07-05
    assert last_closed_session(pd.Timestamp("2013-07-08 19:00", tz="UTC")) == date(2013, 7, 5)
    assert last_closed_session(pd.Timestamp("2013-07-08 20:00", tz="UTC")) == date(2013, 7, 8)
    assert last_closed_session(pd.Timestamp("2013-07-06 12:00", tz="UTC")) == date(2013, 7, 5)


def test_yahoo_incremental_update(tmp_path):
    calls: list[tuple[str, int, int]] = []
    with serve(yahoo_route) as srv, Store(tmp_path / "db.duckdb") as store:
        provider = YahooProvider(srv.url)
        r1 = update(store, provider, ["SPY"], asof="2013-07-03", start=date(2013, 6, 17),
                    progress=lambda *a: calls.append(a))
        assert r1.ok and r1.rows == 13 and r1.results[0].status == "updated"
        assert store.last_date("SPY") == date(2013, 7, 3)
        assert calls == [("SPY", 1, 1)]

        r2 = update(store, provider, ["spy"], asof="2013-07-12")
        (_, q1), (_, q2) = srv.requests
        assert day_of(q1["period1"]) == date(2013, 6, 17)
        # the second request asks only for the missing sessions: from Fri 07-05 (07-04 holiday)
        assert day_of(q2["period1"]) == date(2013, 7, 5)
        assert day_of(q2["period2"]) == date(2013, 7, 13)
        assert r2.results[0].rows == 6 and (r2.results[0].start, r2.results[0].end) == (
            date(2013, 7, 5), date(2013, 7, 12))
        full = store.get("SPY")
        assert len(full) == 19 and full.index[0] == pd.Timestamp("2013-06-17")
        assert full.index.is_monotonic_increasing and full.index.is_unique
        # the union equals one fetch of the whole range
        whole = provider.fetch("SPY", date(2013, 6, 17), date(2013, 7, 12))
        pd.testing.assert_frame_equal(full, whole, check_exact=True)

        # nothing missing (asof on a weekend after the last bar): the server is not called
        n = len(srv.requests)
        r3 = update(store, provider, ["SPY"], asof="2013-07-14")
        assert len(srv.requests) == n and r3.results[0].status == "current" and r3.rows == 0


def test_stooq_incremental_update(tmp_path):
    with serve(stooq_route) as srv, Store(tmp_path / "db.duckdb") as store:
        provider = StooqProvider(srv.url)
        update(store, provider, ["SPY", "GSPC"], asof="2013-06-28", start=date(2013, 6, 17))
        report = update(store, provider, ["SPY", "GSPC"], asof="2013-07-12")
        assert report.ok and [r.rows for r in report.results] == [9, 9]
        later = srv.queries("/q/d/l/")[2:]
        assert [(q["s"], q["d1"], q["d2"]) for q in later] == [
            ("spy.us", "20130701", "20130712"), ("^spx", "20130701", "20130712")]
        assert store.coverage() == [("GSPC", date(2013, 6, 17), date(2013, 7, 12), 19),
                                    ("SPY", date(2013, 6, 17), date(2013, 7, 12), 19)]
        assert store.get("SPY").loc["2013-07-08", "close"] == 144.837
        assert store.get("GSPC").loc["2013-07-03", "close"] == 1651.79


def test_one_failing_symbol_does_not_stop_the_others(tmp_path):
    progress: list[tuple[str, int, int]] = []
    with serve(yahoo_route) as srv, Store(tmp_path / "db.duckdb") as store:
        report = update(store, YahooProvider(srv.url), ["NOSUCH", "SPY"], asof="2013-07-12",
                        start=date(2013, 6, 17), progress=lambda *a: progress.append(a))
        assert not report.ok
        bad, good = report.results
        assert bad.status == "failed" and bad.error == (
            "yahoo: NOSUCH: unknown symbol NOSUCH (No data found, symbol may be delisted)")
        assert good.status == "updated" and good.rows == 19
        assert store.symbols() == ["SPY"]
        assert progress == [("NOSUCH", 1, 2), ("SPY", 2, 2)]
        again = update(store, YahooProvider(srv.url), ["SPY"], asof=pd.Timestamp("2013-07-12"))
    assert report.lines() == [
        "NOSUCH: failed: yahoo: NOSUCH: unknown symbol NOSUCH "
        "(No data found, symbol may be delisted)",
        "SPY: 19 bars stored, 2013-06-17 .. 2013-07-12",
    ]
    assert again.lines() == ["SPY: up to date"]


def test_network_failure_is_reported_per_symbol(tmp_path):
    port = closed_port()
    with Store(tmp_path / "db.duckdb") as store:
        report = update(store, StooqProvider(f"http://127.0.0.1:{port}"), ["SPY", "IWM"],
                        asof="2013-07-12", start=date(2013, 7, 1))
        assert [r.error for r in report.failed] == [
            f"stooq: {s}: connection refused (127.0.0.1:{port})" for s in ("SPY", "IWM")]
        assert store.symbols() == []


@pytest.mark.parametrize("asof", ["2013-07-06", date(2013, 7, 7)])
def test_first_fetch_ends_at_last_session_before_asof(tmp_path, asof):
    with serve(stooq_route) as srv, Store(tmp_path / "db.duckdb") as store:
        update(store, StooqProvider(srv.url), ["SPY"], asof=asof, start=date(2013, 7, 1))
        assert srv.requests[0][1]["d2"] == "20130705"
        assert store.last_date("SPY") == date(2013, 7, 5)


def test_validation_warnings_reach_the_report(tmp_path):
    import json

    def zero_volume(path, query):
        status, ctype, body = yahoo_route(path.replace("^VIX", "SPY"), query)
        doc = json.loads(body)
        quote = doc["chart"]["result"][0]["indicators"]["quote"][0]
        quote["volume"] = [0] * len(quote["volume"])
        return status, ctype, json.dumps(doc)

    with serve(zero_volume) as srv, Store(tmp_path / "db.duckdb") as store:
        report = update(store, YahooProvider(srv.url), ["VIX"], asof="2013-07-12",
                        start=date(2013, 6, 17))
    (result,) = report.results
    assert result.status == "updated" and result.rows == 19
    assert srv.requests[0][0] == "/v8/finance/chart/^VIX"
    assert any("19 zero-volume days" in str(w) for w in result.warnings)
    assert any(line.startswith("VIX: warning: yahoo:VIX") for line in report.lines())


_OTHER_PROCESS = """
import sys
from tapereader.data.store import Store
with Store(sys.argv[1], wait=0) as store:  # no waiting: the lock must be free right now
    spy = store.get("SPY")
    store.put("COPY", spy, "other process")
    print(len(spy), store.symbols())
"""


def test_fetch_lets_go_of_the_store_while_it_downloads(tmp_path):
    """While ``fetch`` waits for a symbol's download another process can read and write."""
    import subprocess
    import sys
    import threading

    asked, go = threading.Event(), threading.Event()

    def slow_gspc(path, query):
        if "GSPC" in query.get("s", "") or "spx" in query.get("s", ""):
            asked.set()
            go.wait(60)
        return stooq_route(path, query)

    db = tmp_path / "db.duckdb"
    with serve(slow_gspc) as srv, Store(db) as store:
        reports = []
        t = threading.Thread(target=lambda: reports.append(update(
            store, StooqProvider(srv.url), ["SPY", "GSPC"], asof="2013-07-12",
            start=date(2013, 6, 17))))
        t.start()
        try:
            assert asked.wait(60), "the fetch never asked for GSPC"
            other = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, str(db)],
                                   capture_output=True, text=True, timeout=120)
        finally:
            go.set()
            t.join(60)
        assert other.returncode == 0, other.stderr[-500:]
        assert other.stdout.split(None, 1) == ["19", "['COPY', 'SPY']\n"]
        (report,) = reports
        assert report.ok and [r.rows for r in report.results] == [19, 19]
        assert store.symbols() == ["COPY", "GSPC", "SPY"]
