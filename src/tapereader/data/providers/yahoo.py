"""Yahoo Finance daily bars from the chart API (the endpoint yfinance itself reads).

``GET {base_url}/v8/finance/chart/{SYMBOL}?period1=..&period2=..&interval=1d&events=div,split``
answers JSON: ``chart.result[0]`` holds ``timestamp`` (session open, epoch seconds),
``meta.exchangeTimezoneName``, ``indicators.quote[0].{open,high,low,close,volume}`` and
``indicators.adjclose[0].adjclose``; an unknown symbol gets HTTP 404 with
``chart.error = {code: "Not Found", description: "No data found, symbol may be delisted"}``.

Why not ``yfinance.Ticker.history``: yfinance 1.7 hard-codes its hosts
(``query1/query2.finance.yahoo.com``, ``fc.yahoo.com``, ``guce.yahoo.com``), keeps one
process-wide session and an lru cache of responses, stores a timezone cache on disk,
looks up unknown symbols a second time through ``quoteSummary`` (behind a global
counter), retries failed requests with the other cookie strategy, and by default logs
errors and returns an empty frame. None of that can point at a test server or give one
clear error per failure without patching its internals. So this provider speaks the
same chart endpoint directly, over yfinance's own HTTP backend (``curl_cffi`` with a
Chrome fingerprint, which Yahoo requires) when no session is given.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..bars import Bars
from .base import DEFAULT_TIMEOUT, fail, http_get, in_range, to_bars

BASE_URL = "https://query2.finance.yahoo.com"

INDEX_SYMBOLS = {
    "GSPC": "^GSPC",  # S&P 500
    "RUT": "^RUT",  # Russell 2000
    "NDX": "^NDX",  # Nasdaq 100
    "DJI": "^DJI",  # Dow Jones Industrial Average
    "VIX": "^VIX",  # CBOE volatility index
    "TNX": "^TNX",  # 10-year Treasury yield x10
    "IXIC": "^IXIC",  # Nasdaq Composite
}


def yahoo_symbol(symbol: str) -> str:
    """Yahoo's ticker for a tapereader symbol (indices get their caret: GSPC -> ^GSPC)."""
    s = symbol.strip().upper()
    return INDEX_SYMBOLS.get(s, s)


def _default_session() -> Any:
    from yfinance._http import new_session  # curl_cffi impersonating Chrome when available

    return new_session()


def _epoch(d: date) -> int:
    return int(datetime.combine(d, time(0), tzinfo=UTC).timestamp())


class YahooProvider:
    """Daily bars from Yahoo's chart API; ``base_url`` points it elsewhere (tests)."""

    name = "yahoo"

    def __init__(
        self,
        base_url: str = BASE_URL,
        session: Any | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = session

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = _default_session()
        return self._session

    def url(self, symbol: str) -> str:
        """The chart URL of ``symbol`` (Yahoo ticker, caret percent-encoded)."""
        from urllib.parse import quote

        return f"{self.base_url}/v8/finance/chart/{quote(yahoo_symbol(symbol), safe='')}"

    def fetch(self, symbol: str, start: date, end: date) -> Bars:
        """Validated daily Bars of ``symbol`` from ``start`` to ``end`` inclusive.

        Validation warnings are in ``bars.attrs["warnings"]``.
        """
        params = {
            "period1": _epoch(start),
            "period2": _epoch(end + timedelta(days=1)),  # exclusive end
            "interval": "1d",
            "events": "div,split",
            "includeAdjustedClose": "true",
        }
        r = http_get(self.session, self.url(symbol), params, provider=self.name,
                     symbol=symbol, timeout=self.timeout)
        frame = parse_chart(r.text, symbol, status=r.status)
        bars, warnings = to_bars(frame, f"{self.name}:{symbol}")
        bars = in_range(bars, start, end)
        bars.attrs["warnings"] = warnings
        return bars


def parse_chart(text: str, symbol: str, status: int = 200) -> pd.DataFrame:
    """A chart API body -> frame with a ``date`` column and lower-case OHLCV columns.

    Rows with no prices at all (Yahoo pads some days with nulls) are dropped.
    """
    try:
        doc = json.loads(text)
        chart = doc["chart"]
    except (ValueError, TypeError, KeyError):
        cause = f"HTTP {status}, " if status >= 400 else ""
        raise fail("yahoo", symbol, f"{cause}response is not chart JSON: {text[:80]!r}") from None
    error = chart.get("error") if isinstance(chart, dict) else None
    if error:
        desc = error.get("description") or error.get("code") or str(error)
        code = error.get("code")
        kind = "unknown symbol" if code == "Not Found" else f"Yahoo error {code}"
        raise fail("yahoo", symbol, f"{kind} {yahoo_symbol(symbol)} ({desc})")
    if status >= 400:
        raise fail("yahoo", symbol, f"HTTP {status}")
    try:
        result = chart["result"][0]
        meta = result.get("meta") or {}
        tz = meta.get("exchangeTimezoneName") or "America/New_York"
        stamps = result.get("timestamp") or []
        if not stamps:  # a valid symbol with no bars in the range
            return _frame([], {}, None)
        ind = result["indicators"]
        quote = ind["quote"][0]
        cols = {k: quote[k] for k in ("open", "high", "low", "close", "volume")}
        adj = ind.get("adjclose", [{}])[0].get("adjclose")
        if any(v is None or len(v) != len(stamps) for v in cols.values()):
            raise ValueError("quote arrays do not match timestamps")
        if adj is not None and len(adj) != len(stamps):
            raise ValueError("adjclose array does not match timestamps")
        dates = (
            pd.to_datetime(np.asarray(stamps, dtype="int64"), unit="s", utc=True)
            .tz_convert(tz).tz_localize(None).normalize()
        )
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
        raise fail("yahoo", symbol, f"malformed chart response ({err})") from None
    return _frame(dates, cols, adj)


def _frame(dates: Any, cols: dict[str, list], adj: list | None) -> pd.DataFrame:
    """Raw values as sent (nulls become NaN); ``validate_frame`` parses and checks them."""

    def col(v: list | None) -> pd.Series:
        return pd.Series([np.nan if x is None else x for x in (v or [])], dtype=object)

    out = pd.DataFrame({"date": pd.DatetimeIndex(dates, name="date")})
    for k in ("open", "high", "low", "close"):
        out[k] = col(cols.get(k))
    out["adj_close"] = col(adj) if adj is not None else np.nan
    out["volume"] = col(cols.get("volume"))
    has_price = out[["open", "high", "low", "close"]].notna().any(axis=1)
    return out[has_price].reset_index(drop=True)
