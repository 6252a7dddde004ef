"""Stooq daily bars from its CSV download.

``GET {base_url}/q/d/l/?s=spy.us&d1=YYYYMMDD&d2=YYYYMMDD&i=d`` answers
``Date,Open,High,Low,Close,Volume`` rows (prices already split/dividend adjusted, no
separate adjusted close); an unknown symbol, or a range without bars, gets the plain
text ``No data``.

Symbols: US stocks and ETFs take the ``.us`` suffix (SPY -> ``spy.us``); the indices
tapereader names without a caret map to Stooq's index tickers (GSPC -> ``^spx``,
NDX -> ``^ndx``, DJI -> ``^dji``). Stooq's codes for the Russell 2000, the VIX and the
10-year yield are not known reliably here, so RUT, VIX and TNX give a clear error
(use the yahoo provider for them); a symbol that already looks like a Stooq ticker
(contains ``.`` or starts with ``^``) is passed through lower-cased.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pandas as pd
import requests

from ..bars import Bars
from .base import DEFAULT_TIMEOUT, USER_AGENT, fail, http_get, in_range, to_bars

BASE_URL = "https://stooq.com"

INDEX_SYMBOLS = {"GSPC": "^spx", "NDX": "^ndx", "DJI": "^dji"}
UNMAPPED_INDICES = frozenset({"RUT", "VIX", "TNX"})
EXPECTED_HEADER = ["Date", "Open", "High", "Low", "Close"]


def stooq_symbol(symbol: str) -> str:
    """Stooq's ticker for a tapereader symbol (SPY -> spy.us, GSPC -> ^spx)."""
    s = symbol.strip()
    up = s.upper()
    if up in INDEX_SYMBOLS:
        return INDEX_SYMBOLS[up]
    if up in UNMAPPED_INDICES:
        raise fail("stooq", symbol, "no known Stooq ticker for this index; use --provider yahoo")
    if "." in s or s.startswith("^"):
        return s.lower()
    return f"{s.lower()}.us"


def _default_session() -> requests.Session:
    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    return s


class StooqProvider:
    """Daily bars from Stooq's CSV download; ``base_url`` points it elsewhere (tests)."""

    name = "stooq"

    def __init__(
        self,
        base_url: str = BASE_URL,
        session: Any | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or _default_session()

    def fetch(self, symbol: str, start: date, end: date) -> Bars:
        """Validated daily Bars of ``symbol`` from ``start`` to ``end`` inclusive.

        Validation warnings are in ``bars.attrs["warnings"]``.
        """
        ticker = stooq_symbol(symbol)
        params = {"s": ticker, "d1": f"{start:%Y%m%d}", "d2": f"{end:%Y%m%d}", "i": "d"}
        r = http_get(self.session, f"{self.base_url}/q/d/l/", params, provider=self.name,
                     symbol=symbol, timeout=self.timeout)
        if r.status >= 400:
            raise fail(self.name, symbol, f"HTTP {r.status} for {ticker}")
        frame = parse_csv(r.text, symbol, ticker, start, end)
        bars, warnings = to_bars(frame, f"{self.name}:{symbol}")
        bars = in_range(bars, start, end)
        bars.attrs["warnings"] = warnings
        return bars


def parse_csv(text: str, symbol: str, ticker: str, start: date, end: date) -> pd.DataFrame:
    """A Stooq CSV body -> frame with a ``date`` column and lower-case OHLCV columns."""
    body = text.lstrip("\ufeff").strip()
    first = body.splitlines()[0].strip() if body else ""
    if first.lower() == "no data" or not body:
        raise fail("stooq", symbol, f"no data for {ticker} from {start} to {end} "
                                    "(unknown symbol or no bars in that range)")
    header = [h.strip() for h in first.split(",")]
    if header[:5] != EXPECTED_HEADER:
        raise fail("stooq", symbol, f"unexpected response for {ticker}: {first[:80]!r}")
    lines = body.splitlines()
    for n, line in enumerate(lines[1:], 2):
        if line.count(",") != len(header) - 1:
            raise fail("stooq", symbol, f"malformed CSV for {ticker}: line {n} has "
                                        f"{line.count(',') + 1} fields, header {len(header)}")
    try:
        df = pd.read_csv(io.StringIO(body), dtype=str, index_col=False)
    except (ValueError, pd.errors.ParserError) as err:
        raise fail("stooq", symbol, f"malformed CSV for {ticker} ({err})") from None
    out = pd.DataFrame({"date": df["Date"]})
    for src, dst in (("Open", "open"), ("High", "high"), ("Low", "low"), ("Close", "close")):
        out[dst] = df[src]
    if "Volume" in df:
        out["volume"] = df["Volume"]
    return out
