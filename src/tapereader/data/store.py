"""The store: an embedded DuckDB file that caches fetched daily bars per symbol.

One table, ``bars(symbol, date, open, high, low, close, adj_close, volume, source,
fetched_at)`` keyed by ``(symbol, date)``. Writes are upserts done in bulk through
DuckDB's pandas scan (no per-row inserts). A missing ``adj_close``/``volume`` is
stored as NULL and read back as NaN; a column that is NULL on every row of a symbol
is left out of the Bars returned, as the Bars convention asks.

Bad stores are one-line :class:`DataError` s naming the file: not a DuckDB file, a
truncated one, a DuckDB file of something else (its tables are checked on open), a
store in use by another process; every query's DuckDB error is turned into one too.
Bars are validated both ways with the rules files obey (``validate_frame``), so a
Saturday bar or a high below the open put into the file by other means is named, not
analysed. Readers open the file read-only (many processes may read at once); a writer
holds DuckDB's lock only while it uses the connection: :meth:`Store.released` lets it go
(``fetch`` does so while it downloads each symbol).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pandas as pd

from .bars import COLUMNS, OPTIONAL_COLUMNS, PRICE_COLUMNS, Bars
from .errors import DataError
from .validate import validate_frame

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bars (
    symbol     VARCHAR   NOT NULL,
    date       DATE      NOT NULL,
    open       DOUBLE    NOT NULL,
    high       DOUBLE    NOT NULL,
    low        DOUBLE    NOT NULL,
    close      DOUBLE    NOT NULL,
    adj_close  DOUBLE,
    volume     DOUBLE,
    source     VARCHAR   NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    PRIMARY KEY (symbol, date)
)
"""
_COLUMN_TYPES = tuple(
    (m[1], m[2]) for m in re.finditer(r"^ +([a-z_]+) +([A-Z]+)", _SCHEMA, re.M))
"""(name, DuckDB type) of the bars table, in order, as the schema above declares them."""

LOCK_WAIT = 10.0
"""Seconds to wait for another process to let go of the store before giving up."""


def _norm(symbol: str) -> str:
    return symbol.strip().upper()


def _first_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def _problem(err: BaseException, doing: str = "cannot open the store") -> str:
    """What a DuckDB error says about the file, in a few words."""
    text = _first_line(err)
    if "not a valid DuckDB database file" in text:
        return "not a DuckDB database file"
    short = re.search(r"attempted to read (\d+) bytes from location (\d+)", text)
    if short:
        end = int(short[1]) + int(short[2])
        return f"truncated or damaged DuckDB file (a block ends at byte {end:,}, past the end)"
    if "Could not read" in text:
        return "truncated or damaged DuckDB file (" + text.split(": ")[-1] + ")"
    if "Could not set lock" in text:
        pid = re.search(r"\(PID (\d+)\)", text)
        return ("in use by another process" + (f" (PID {pid[1]})" if pid else "")
                + ": try again when it has finished")
    if "different configuration" in text:
        return "already open in this process in another mode (read-only vs read-write)"
    return f"{doing}: {text}"


class Store:
    """Cache of daily bars in a DuckDB file (created with its parent folders on first use).

    ``read_only``: open for reading only (the file must exist; other readers are not
    locked out). ``wait``: seconds to wait for a lock another process holds. Use as a
    context manager (``with Store(path) as store: ...``) or call :meth:`close`.
    """

    def __init__(self, path: Path | str, *, read_only: bool = False,
                 wait: float = LOCK_WAIT) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.wait = wait
        self._con: duckdb.DuckDBPyConnection | None = None
        self._empty = False  # a read-only DuckDB file without tables: no symbols
        self._connection()

    def _error(self, rule: str) -> DataError:
        return DataError(str(self.path), rule)

    # connection ------------------------------------------------------------------
    def _connection(self) -> duckdb.DuckDBPyConnection:
        """The open connection, opened (and its schema checked) when there is none."""
        if self._con is not None:
            return self._con
        if self.path.is_dir():
            raise self._error("is a folder, not a store file")
        if self.read_only and not self.path.exists():
            raise self._error("no such store (fill it with: tapereader fetch SYMBOL... --db)")
        try:
            if not self.read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            files = [p for p in self.path.parents if p.exists() and not p.is_dir()]
            why = f"{files[0]} is a file, not a folder" if files else err.strerror or err
            raise self._error(f"cannot open the store: {why}") from None
        deadline = time.monotonic() + self.wait
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=self.read_only)
                break
            except duckdb.Error as err:
                if "Could not set lock" in str(err) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                raise self._error(_problem(err)) from None
        try:
            self._check_schema(con)
        except BaseException:
            con.close()
            raise
        self._con = con
        return con

    def _check_schema(self, con: duckdb.DuckDBPyConnection) -> None:
        """Refuse a DuckDB file that is not a store; create the table in a new one."""
        self._empty = False
        try:
            tables = sorted(r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main'").fetchall())
            if "bars" not in tables:
                if tables:  # someone else's database: never write into it
                    shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
                    raise self._error(f"not a tapereader store: no table bars "
                                      f"(it holds {shown})")
                if self.read_only:
                    self._empty = True
                else:
                    con.execute(_SCHEMA)
                return
            cols = tuple(con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'main' AND table_name = 'bars' "
                "ORDER BY ordinal_position").fetchall())
        except duckdb.Error as err:
            raise self._error(_problem(err)) from None
        if cols != _COLUMN_TYPES:
            lacks = [f"{n} {t}" for n, t in _COLUMN_TYPES if (n, t) not in cols]
            extra = [f"{n} {t}" for n, t in cols if (n, t) not in _COLUMN_TYPES]
            what = "; ".join(x for x in (
                "lacks " + ", ".join(lacks) if lacks else "",
                "has " + ", ".join(extra) if extra else "") if x) or "columns out of order"
            raise self._error(f"not a tapereader store: its table bars {what}")

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """``sql``'s rows; a DuckDB error becomes a DataError naming the file."""
        return self._query(sql, params, frame=False)

    def _frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """``sql``'s result as a DataFrame; errors as :meth:`_rows`."""
        return self._query(sql, params, frame=True)

    def _query(self, sql: str, params: list[Any] | None, frame: bool) -> Any:
        con = self._connection()
        try:  # fetching reads the blocks: a damaged one fails here, not in execute
            result = con.execute(sql, params or [])
            return result.df() if frame else result.fetchall()
        except duckdb.Error as err:
            raise self._error(_problem(err, "query failed")) from None

    def _has_bars(self) -> bool:
        """False for a read-only DuckDB file without tables (checked on each reopening)."""
        self._connection()
        return not self._empty

    @contextmanager
    def released(self) -> Iterator[None]:
        """Let go of the file (and its lock) for the block; the next use reopens it."""
        self.close()
        yield

    # context manager -------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the DuckDB connection (idempotent; a later use opens it again)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    # writes ----------------------------------------------------------------------
    def put(self, symbol: str, bars: Bars, source: str) -> int:
        """Upsert ``bars`` for ``symbol`` (rows on existing dates are replaced); rows written.

        The bars are validated first (DataError naming the symbol, row and rule)."""
        if bars.empty:
            return 0
        if self.read_only:
            raise self._error(f"opened read-only: cannot store {symbol}")
        missing = [c for c in PRICE_COLUMNS if c not in bars]
        if missing:
            raise DataError(f"store put {symbol}", f"bars lack columns {', '.join(missing)}")
        bars, _ = validate_frame(bars, f"store put {symbol}")
        frame = pd.DataFrame(
            {
                "symbol": _norm(symbol),
                "date": pd.DatetimeIndex(bars.index).normalize(),
                **{
                    c: (bars[c].to_numpy(dtype="float64") if c in bars else float("nan"))
                    for c in COLUMNS
                },
                "source": source,
                "fetched_at": pd.Timestamp(datetime.now()).floor("s"),
            }
        )
        cols = ", ".join(frame.columns)
        con = self._connection()
        con.register("_incoming", frame)
        try:
            self._rows(f"INSERT OR REPLACE INTO bars ({cols}) SELECT {cols} FROM _incoming")
        finally:
            con.unregister("_incoming")
        return len(frame)

    # reads -----------------------------------------------------------------------
    def get(
        self,
        symbol: str,
        start: date | str | pd.Timestamp | None = None,
        end: date | str | pd.Timestamp | None = None,
    ) -> Bars | None:
        """Validated Bars of ``symbol`` between ``start`` and ``end`` (inclusive); None if none.

        Bars that break a rule raise the DataError a file would give, naming the store and
        the symbol (``store.duckdb, symbol SPY, row 3, date 2013-07-06: not an XNYS
        session: Saturday``)."""
        if not self._has_bars():
            return None
        sql = f"SELECT date, {', '.join(COLUMNS)} FROM bars WHERE symbol = ?"
        params: list[object] = [_norm(symbol)]
        if start is not None:
            sql += " AND date >= ?"
            params.append(pd.Timestamp(start).date())
        if end is not None:
            sql += " AND date <= ?"
            params.append(pd.Timestamp(end).date())
        df = self._frame(sql + " ORDER BY date", params)
        if df.empty:
            return None
        df = df.drop(columns=[c for c in OPTIONAL_COLUMNS if df[c].isna().all()])
        bars, _ = validate_frame(df, f"{self.path}, symbol {_norm(symbol)}")
        return bars

    def last_date(self, symbol: str) -> date | None:
        """Date of the last cached bar of ``symbol`` (None when nothing is cached)."""
        if not self._has_bars():
            return None
        rows = self._rows("SELECT max(date) FROM bars WHERE symbol = ?", [_norm(symbol)])
        return rows[0][0] if rows else None

    def symbols(self) -> list[str]:
        """Symbols with at least one cached bar, sorted."""
        if not self._has_bars():
            return []
        return [r[0] for r in self._rows("SELECT DISTINCT symbol FROM bars ORDER BY symbol")]

    def coverage(self) -> list[tuple[str, date, date, int]]:
        """``(symbol, first date, last date, rows)`` per cached symbol, sorted by symbol."""
        if not self._has_bars():
            return []
        rows = self._rows(
            "SELECT symbol, min(date), max(date), count(*) FROM bars "
            "GROUP BY symbol ORDER BY symbol")
        return [(s, first, last, int(n)) for s, first, last, n in rows]
