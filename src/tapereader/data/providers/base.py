"""What a live data provider is, and the HTTP and error plumbing the providers share.

A provider turns ``(symbol, start, end)`` into validated daily Bars, or raises
:class:`~tapereader.data.errors.ProviderError` with one line naming the provider,
the symbol and the cause (connection refused, timeout, HTTP status, unknown symbol,
malformed response). Nothing else escapes: no tracebacks for network trouble.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, runtime_checkable

import pandas as pd
import requests

from ..bars import Bars
from ..errors import DataError, DataWarning, ProviderError
from ..validate import validate_frame

DEFAULT_TIMEOUT = 20.0
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


@runtime_checkable
class Provider(Protocol):
    """A source of daily bars over the network."""

    name: str

    def fetch(self, symbol: str, start: date, end: date) -> Bars:
        """Daily Bars of ``symbol`` for sessions ``start``..``end`` inclusive."""
        ...


@dataclass(frozen=True, slots=True)
class Response:
    """The parts of an HTTP response the providers look at."""

    status: int
    text: str
    url: str


def fail(provider: str, symbol: str, cause: str) -> ProviderError:
    """A one-line ProviderError: ``"<provider>: <symbol>: <cause>"``."""
    cause = " ".join(str(cause).split())  # one line, whatever the cause text was
    return ProviderError(f"{provider}: {symbol}: {cause}")


def _network_cause(err: BaseException) -> str:
    """Short text for a network exception (requests or curl_cffi)."""
    name = type(err).__name__
    text = str(err).lower()
    if "timeout" in name.lower() or "timed out" in text or "curl: (28)" in text:
        return "timed out"
    if any(k in text for k in ("refused", "could not connect", "couldn't connect", "curl: (7)")):
        return "connection refused"
    if any(k in text for k in ("resolve", "name or service", "getaddrinfo", "curl: (6)")):
        return "cannot resolve host"
    first = str(err).splitlines()[0] if str(err) else name
    return f"network error ({name}: {first[:120]})"


def http_get(
    session: Any,
    url: str,
    params: dict[str, Any],
    *,
    provider: str,
    symbol: str,
    timeout: float,
) -> Response:
    """GET ``url`` with ``session``; network failures and HTTP 5xx become ProviderError.

    4xx answers are returned: the services explain unknown symbols in the body.
    ``session`` is a ``requests.Session`` or a ``curl_cffi`` session (same call shape).
    """
    try:
        r = session.get(url, params=params, timeout=timeout)
    except Exception as err:  # requests and curl_cffi raise different exception trees
        if isinstance(err, requests.RequestException | OSError) or _is_curl_error(err):
            raise fail(provider, symbol, f"{_network_cause(err)} ({_host(url)})") from None
        raise
    if r.status_code >= 500:
        raise fail(provider, symbol, f"HTTP {r.status_code} from {_host(url)}")
    return Response(r.status_code, r.text, str(r.url))


def _is_curl_error(err: BaseException) -> bool:
    return any(c.__module__.startswith("curl_cffi") for c in type(err).__mro__)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.netloc or url


def to_bars(frame: pd.DataFrame, source: str) -> tuple[Bars, list[DataWarning]]:
    """Validate a provider's frame (``date`` column + lower-case OHLCV) into Bars.

    Uses the same validation as files (``tapereader.data.validate.validate_frame``),
    so a provider's bad rows give the same clear errors, re-raised as ProviderError.
    """
    if frame.empty:  # a valid symbol with no bars in the range
        empty = pd.DataFrame({c: pd.Series(dtype="float64") for c in frame.columns if c != "date"},
                             index=pd.DatetimeIndex([], dtype="datetime64[ns]", name="date"))
        return empty, []
    try:
        return validate_frame(frame, source)
    except DataError as err:
        raise ProviderError(str(err)) from None


def in_range(bars: Bars, start: date, end: date) -> Bars:
    """Rows of ``bars`` dated ``start``..``end`` inclusive (services often add a live bar)."""
    return bars.loc[pd.Timestamp(start) : pd.Timestamp(end)]

