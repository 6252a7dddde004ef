"""Incremental update of the store from a live provider.

For each symbol only the XNYS sessions after the last cached bar, up to ``asof`` (or
the last session that has closed), are requested; when no session is missing the
provider is not called at all. One failing symbol is reported and the others go on.
The store is held (DuckDB's write lock) only to read the last date and to write a
symbol's bars, not while the provider answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from . import calendar as xcal
from .errors import DataWarning, TapereaderError
from .providers.base import Provider
from .resample import calendar
from .store import Store

DEFAULT_START = date(1990, 1, 2)
"""First date requested for a symbol the store has never seen."""

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class SymbolUpdate:
    """What happened to one symbol: ``status`` is updated, current or failed.

    ``start``/``end`` is the range requested; ``first``/``last`` the bars stored.
    """

    symbol: str
    status: str
    rows: int = 0
    start: date | None = None
    end: date | None = None
    first: date | None = None
    last: date | None = None
    error: str | None = None
    warnings: tuple[DataWarning, ...] = ()


@dataclass(slots=True)
class FetchReport:
    """Per-symbol outcome of :func:`update`, in the order the symbols were given."""

    results: list[SymbolUpdate] = field(default_factory=list)

    @property
    def failed(self) -> list[SymbolUpdate]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when no symbol failed."""
        return not self.failed

    @property
    def rows(self) -> int:
        """Rows written over all symbols."""
        return sum(r.rows for r in self.results)

    def lines(self) -> list[str]:
        """One line per symbol (plus one per data warning) for the CLI to print."""
        out: list[str] = []
        for r in self.results:
            if r.status == "failed":
                out.append(f"{r.symbol}: failed: {r.error}")
            elif r.status == "current":
                out.append(f"{r.symbol}: up to date")
            elif r.rows:
                out.append(f"{r.symbol}: {r.rows} bars stored, {r.first} .. {r.last}")
            else:
                out.append(f"{r.symbol}: no bars published for {r.start} .. {r.end}")
            out.extend(f"{r.symbol}: warning: {w}" for w in r.warnings)
        return out


def last_closed_session(now: pd.Timestamp | None = None) -> date:
    """The latest XNYS session whose close is at or before ``now`` (UTC, default: now)."""
    cal = calendar()
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    if now.tz is None:
        now = now.tz_localize("UTC")
    day = now.tz_convert("America/New_York").tz_localize(None).normalize()
    sessions = cal.sessions_in_range(day - pd.Timedelta(days=10), day)
    for s in sessions[::-1]:
        if cal.session_close(s) <= now:
            return s.date()
    return (day - pd.Timedelta(days=1)).date()  # pragma: no cover - calendar gap


def missing_range(
    last: date | None, end: date, start: date = DEFAULT_START
) -> tuple[date, date] | None:
    """First and last XNYS session after ``last`` up to ``end`` (None when nothing is missing).

    With nothing cached (``last`` None) the range runs from ``start`` (which may precede
    the calendar) to the last session on or before ``end``.
    """
    last_session = xcal.session_on_or_before(min(pd.Timestamp(end), xcal.last_session()))
    if last_session is None:
        return (start, end) if last is None and start <= end else None
    if last is None:
        return (start, last_session.date()) if pd.Timestamp(start) <= last_session else None
    lo = pd.Timestamp(last) + pd.Timedelta(days=1)
    if lo > last_session:
        return None
    sessions = xcal.sessions(lo, last_session)
    if len(sessions) == 0:
        return None
    return sessions[0].date(), sessions[-1].date()


def update(
    store: Store,
    provider: Provider,
    symbols: Iterable[str],
    asof: date | str | pd.Timestamp | None = None,
    progress: Progress | None = None,
    start: date = DEFAULT_START,
) -> FetchReport:
    """Fetch the sessions each symbol lacks in ``store`` up to ``asof`` and store them.

    ``asof`` defaults to the last session that has closed (a running session is not
    stored half-done). ``progress(symbol, done, total)`` is called after each symbol.
    Errors (network, unknown symbol, bad data) are caught per symbol into the report.
    """
    syms = [s.strip().upper() for s in symbols]
    from .dates import check_asof, parse_date

    end = parse_date(asof, "asof") if asof is not None else last_closed_session()
    check_asof(end.isoformat(), [], [])  # not in the future
    report = FetchReport()
    for i, sym in enumerate(syms, 1):
        report.results.append(_update_one(store, provider, sym, end, start))
        if progress is not None:
            progress(sym, i, len(syms))
    return report


def _update_one(store: Store, provider: Provider, sym: str, end: date, start: date) -> SymbolUpdate:
    """One symbol; the store's lock is let go while the provider is asked (other processes
    may read or write the store meanwhile) and taken again to store the bars."""
    try:
        span = missing_range(store.last_date(sym), end, start)
    except TapereaderError as err:
        return SymbolUpdate(sym, "failed", error=str(err))
    if span is None:
        return SymbolUpdate(sym, "current")
    lo, hi = span
    try:
        with store.released():
            bars = provider.fetch(sym, lo, hi)
        warnings = tuple(bars.attrs.get("warnings", ()))
        bars = bars.loc[pd.Timestamp(lo) : pd.Timestamp(hi)]
        rows = store.put(sym, bars, provider.name)
    except TapereaderError as err:
        return SymbolUpdate(sym, "failed", start=lo, end=hi, error=str(err))
    first, last = (bars.index[0].date(), bars.index[-1].date()) if rows else (None, None)
    return SymbolUpdate(sym, "updated", rows=rows, start=lo, end=hi, first=first, last=last,
                        warnings=warnings)


__all__ = [
    "DEFAULT_START",
    "FetchReport",
    "SymbolUpdate",
    "last_closed_session",
    "missing_range",
    "update",
]
