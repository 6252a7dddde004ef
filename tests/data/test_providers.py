"""Yahoo and Stooq providers against recorded responses served on 127.0.0.1."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from tapereader.data.errors import ProviderError
from tapereader.data.providers import StooqProvider, YahooProvider, get_provider
from tapereader.data.providers.stooq import stooq_symbol
from tapereader.data.providers.yahoo import yahoo_symbol
from tests.data.httpserver import RECORDED, closed_port, serve, stooq_route, yahoo_route

JUNE17, JULY12 = date(2013, 6, 17), date(2013, 7, 12)
PROVIDERS = {"yahoo": (YahooProvider, yahoo_route), "stooq": (StooqProvider, stooq_route)}


def one_line(err: pytest.ExceptionInfo) -> str:
    text = str(err.value)
    assert "\n" not in text and "Traceback" not in text
    return text


# --- Yahoo ---------------------------------------------------------------------------

def test_yahoo_parses_recorded_chart_exactly():
    with serve(yahoo_route) as srv:
        bars = YahooProvider(srv.url).fetch("SPY", JUNE17, JULY12)
    # 19 sessions: 2013-07-04 is a holiday, weekends absent
    assert len(bars) == 19 and pd.Timestamp("2013-07-04") not in bars.index
    assert bars.index[0] == pd.Timestamp("2013-06-17")
    assert bars.index[-1] == pd.Timestamp("2013-07-12")
    assert list(bars.columns) == ["open", "high", "low", "close", "adj_close", "volume"]
    assert all(bars[c].dtype == np.float64 for c in bars.columns)
    # values straight from recorded/yahoo/SPY.json (float32 noise and all)
    first, jul8, last = bars.loc["2013-06-17"], bars.loc["2013-07-08"], bars.loc["2013-07-12"]
    assert first.tolist() == [163.0, 163.57000732421875, 162.4199981689453, 163.38999938964844,
                              149.20774841308594, 193166971.0]
    assert jul8["open"] == 158.82000732421875 and jul8["close"] == 159.6699981689453
    assert jul8["volume"] == 154119031 and jul8["adj_close"] == 145.81063842773438
    assert last["high"] == 157.6999969482422 and last["low"] == 156.36000061035156


def test_yahoo_requests_range_and_cuts_to_it():
    with serve(yahoo_route) as srv:
        bars = YahooProvider(srv.url).fetch("SPY", date(2013, 7, 5), date(2013, 7, 9))
    assert [d.day for d in bars.index] == [5, 8, 9]
    (path, q), = srv.requests
    assert path == "/v8/finance/chart/SPY"
    assert q["interval"] == "1d" and q["events"] == "div,split"
    assert datetime.fromtimestamp(int(q["period1"]), UTC).date() == date(2013, 7, 5)
    assert datetime.fromtimestamp(int(q["period2"]), UTC).date() == date(2013, 7, 10)  # exclusive


def test_yahoo_index_symbols_get_a_caret():
    assert yahoo_symbol("GSPC") == "^GSPC" and yahoo_symbol("rut") == "^RUT"
    assert yahoo_symbol("TNX") == "^TNX" and yahoo_symbol("SPY") == "SPY"
    with serve(yahoo_route) as srv, pytest.raises(ProviderError):
        YahooProvider(srv.url).fetch("GSPC", JUNE17, JULY12)  # no recording: 404
    assert srv.requests[0][0] == "/v8/finance/chart/^GSPC"


def test_yahoo_unknown_symbol():
    with serve(yahoo_route) as srv, pytest.raises(ProviderError) as err:
        YahooProvider(srv.url).fetch("NOSUCH", JUNE17, JULY12)
    assert one_line(err) == ("yahoo: NOSUCH: unknown symbol NOSUCH "
                             "(No data found, symbol may be delisted)")


def test_yahoo_empty_range_is_empty_bars_not_an_error():
    with serve(yahoo_route) as srv:
        bars = YahooProvider(srv.url).fetch("SPY", date(2013, 7, 13), date(2013, 7, 14))
    assert bars.empty


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        ("<html><body>Will be right back...</body></html>", "response is not chart JSON"),
        ('{"chart": {"result": [{"meta": {}, "timestamp": [1371475800], '
         '"indicators": {"quote": [{"open": [1.0]}]}}], "error": null}}',
         "malformed chart response"),
        ('{"chart": {"result": [{"meta": {}, "timestamp": [1371475800, 1371562200], '
         '"indicators": {"quote": [{"open": [1, 2], "high": [1, 2], "low": [1, 2], '
         '"close": [1, 2], "volume": [5]}]}}], "error": null}}', "malformed chart response"),
        ('{"chart": {"result": [{"meta": {}, "timestamp": [1371475800], "indicators": '
         '{"quote": [{"open": ["x"], "high": [1], "low": [1], "close": [1], "volume": [1]}]}}], '
         '"error": null}}', "yahoo:SPY, row 1, date 2013-06-17: unparsable number in open: 'x'"),
        ('{"chart": {"result": [{"meta": {}, "timestamp": [1371475800], "indicators": '
         '{"quote": [{"open": [5], "high": [4], "low": [3], "close": [4], "volume": [1]}]}}], '
         '"error": null}}', "yahoo:SPY, row 1, date 2013-06-17: high below open/close"),
    ],
)
def test_yahoo_malformed_body(body, cause):
    with (
        serve(lambda p, q: (200, "application/json", body)) as srv,
        pytest.raises(ProviderError) as err,
    ):
        YahooProvider(srv.url).fetch("SPY", JUNE17, JULY12)
    text = one_line(err)
    assert text.startswith(("yahoo: SPY: ", "yahoo:SPY, ")) and cause in text


# --- Stooq ---------------------------------------------------------------------------

def test_stooq_parses_recorded_csv_exactly():
    with serve(stooq_route) as srv:
        bars = StooqProvider(srv.url).fetch("SPY", JUNE17, JULY12)
    assert srv.requests == [("/q/d/l/", {"s": "spy.us", "d1": "20130617", "d2": "20130712",
                                         "i": "d"})]
    assert len(bars) == 19 and pd.Timestamp("2013-07-04") not in bars.index
    assert list(bars.columns) == ["open", "high", "low", "close", "volume"]
    assert all(bars[c].dtype == np.float64 for c in bars.columns)
    # values straight from recorded/stooq/spy.us.csv
    assert bars.loc["2013-06-17"].tolist() == [147.857, 148.374, 147.331, 148.211, 193166971.0]
    assert bars.loc["2013-07-08"].tolist() == [144.066, 145.671, 143.676, 144.837, 154119031.0]
    assert bars.loc["2013-07-12", "close"] == 142.224


def test_stooq_index_mapping():
    assert stooq_symbol("GSPC") == "^spx" and stooq_symbol("NDX") == "^ndx"
    assert stooq_symbol("DJI") == "^dji" and stooq_symbol("iwm") == "iwm.us"
    assert stooq_symbol("^spx") == "^spx" and stooq_symbol("vod.uk") == "vod.uk"
    with pytest.raises(ProviderError, match=r"stooq: RUT: no known Stooq ticker"):
        stooq_symbol("RUT")
    with serve(stooq_route) as srv:
        bars = StooqProvider(srv.url).fetch("GSPC", date(2013, 7, 1), date(2013, 7, 12))
    assert srv.requests[0][1]["s"] == "^spx"
    assert [d.day for d in bars.index] == [1, 2, 3, 5, 8, 9, 10, 11, 12]
    assert bars.loc["2013-07-01", "open"] == 1610.21 and bars.loc["2013-07-03", "close"] == 1651.79


def test_stooq_unknown_symbol():
    with serve(stooq_route) as srv, pytest.raises(ProviderError) as err:
        StooqProvider(srv.url).fetch("NOSUCH", JUNE17, JULY12)
    assert one_line(err) == ("stooq: NOSUCH: no data for nosuch.us from 2013-06-17 to "
                             "2013-07-12 (unknown symbol or no bars in that range)")


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        ("<html><head><title>Stooq</title></head><body>Limit</body></html>", "unexpected response"),
        ("Date,Open,High,Low,Close,Volume\r\n2013-06-17,abc,1,1,1,5\r\n",
         "stooq:SPY, row 1, date 2013-06-17: unparsable number in open: 'abc'"),
        ("Date,Open,High,Low,Close,Volume\r\n2013-13-45,1,1,1,1,5\r\n",
         "stooq:SPY, row 1, date '2013-13-45': unparsable date"),
        ("Date,Open,High,Low,Close,Volume\r\n2013-06-17,1,1,1,1,5,9,9\r\n",
         "stooq: SPY: malformed CSV for spy.us: line 2 has 8 fields, header 6"),
    ],
)
def test_stooq_malformed_body(body, cause):
    with serve(lambda p, q: (200, "text/csv", body)) as srv, pytest.raises(ProviderError) as err:
        StooqProvider(srv.url).fetch("SPY", JUNE17, JULY12)
    text = one_line(err)
    assert "SPY" in text and "stooq" in text and cause in text


# --- both: network failures ----------------------------------------------------------

@pytest.mark.parametrize("name", PROVIDERS)
def test_http_500_is_a_provider_error(name):
    cls, _ = PROVIDERS[name]
    with (
        serve(lambda p, q: (500, "text/html", "<html>Internal Server Error</html>")) as srv,
        pytest.raises(ProviderError) as err,
    ):
        cls(srv.url).fetch("SPY", JUNE17, JULY12)
    assert one_line(err) == f"{name}: SPY: HTTP 500 from {srv.url.removeprefix('http://')}"


@pytest.mark.parametrize("name", PROVIDERS)
def test_connection_refused(name):
    cls, _ = PROVIDERS[name]
    port = closed_port()
    with pytest.raises(ProviderError) as err:
        cls(f"http://127.0.0.1:{port}").fetch("SPY", JUNE17, JULY12)
    assert one_line(err) == f"{name}: SPY: connection refused (127.0.0.1:{port})"


@pytest.mark.parametrize("name", PROVIDERS)
def test_timeout(name):
    cls, route = PROVIDERS[name]

    def slow(path, query):
        time.sleep(1.0)
        return route(path, query)

    with serve(slow) as srv, pytest.raises(ProviderError) as err:
        cls(srv.url, timeout=0.2).fetch("SPY", JUNE17, JULY12)
    assert one_line(err).startswith(f"{name}: SPY: timed out")


def test_get_provider_base_url_from_env(monkeypatch):
    monkeypatch.setenv("TAPEREADER_STOOQ_URL", "http://127.0.0.1:9/")
    assert get_provider("stooq").base_url == "http://127.0.0.1:9"
    assert get_provider("stooq", base_url="http://x").base_url == "http://x"
    assert get_provider("yahoo").base_url == "https://query2.finance.yahoo.com"


def test_get_provider():
    assert isinstance(get_provider("yahoo"), YahooProvider)
    assert isinstance(get_provider("Stooq", base_url="http://x"), StooqProvider)
    with pytest.raises(ProviderError, match="unknown provider 'bloomberg': use yahoo or stooq"):
        get_provider("bloomberg")


def test_recorded_files_are_small_and_real_shaped():
    doc = json.loads((RECORDED / "yahoo" / "SPY.json").read_text())
    res = doc["chart"]["result"][0]
    assert doc["chart"]["error"] is None
    assert res["meta"]["exchangeTimezoneName"] == "America/New_York"
    assert len(res["timestamp"]) == len(res["indicators"]["adjclose"][0]["adjclose"]) == 19
    head = (RECORDED / "stooq" / "spy.us.csv").read_text().splitlines()[0]
    assert head == "Date,Open,High,Low,Close,Volume"
