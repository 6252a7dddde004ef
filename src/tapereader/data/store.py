"""The store: an embedded DuckDB file that caches fetched daily bars per symbol.

One table, ``bars(symbol, date, open, high, low, close, adj_close, volume, source,
fetched_at)`` keyed by ``(symbol, date)``. Writes are upserts done in bulk through
DuckDB's pandas scan (no per-row inserts). A missing ``adj_close``/``volume`` is
stored as NULL and read back as NaN; a column that is NULL on every row of a symbol
is left out of the Bars returned, as the Bars convention asks.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd

from .bars import COLUMNS, OPTIONAL_COLUMNS, PRICE_COLUMNS, Bars
from .errors import DataError

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


def _norm(symbol: str) -> str:
    return symbol.strip().upper()


class Store:
    """Cache of daily bars in a DuckDB file (created with its parent folders on first use).

    Use as a context manager (``with Store(path) as store: ...``) or call :meth:`close`.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = duckdb.connect(str(self.path))
        except (OSError, duckdb.Error) as err:
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise DataError(str(self.path), f"cannot open the store: {first}") from None
        self._con.execute(_SCHEMA)

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
        """Close the DuckDB connection (idempotent)."""
        self._con.close()

    # writes ----------------------------------------------------------------------
    def put(self, symbol: str, bars: Bars, source: str) -> int:
        """Upsert ``bars`` for ``symbol`` (rows on existing dates are replaced); rows written."""
        if bars.empty:
            return 0
        missing = [c for c in PRICE_COLUMNS if c not in bars]
        if missing:
            raise DataError(f"store put {symbol}", f"bars lack columns {', '.join(missing)}")
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
        self._con.register("_incoming", frame)
        try:
            self._con.execute(
                f"INSERT OR REPLACE INTO bars ({cols}) "
                f"SELECT {cols} FROM _incoming"
            )
        finally:
            self._con.unregister("_incoming")
        return len(frame)

    # reads -----------------------------------------------------------------------
    def get(
        self,
        symbol: str,
        start: date | str | pd.Timestamp | None = None,
        end: date | str | pd.Timestamp | None = None,
    ) -> Bars | None:
        """Cached Bars of ``symbol`` between ``start`` and ``end`` (inclusive); None if none."""
        sql = f"SELECT date, {', '.join(COLUMNS)} FROM bars WHERE symbol = ?"
        params: list[object] = [_norm(symbol)]
        if start is not None:
            sql += " AND date >= ?"
            params.append(pd.Timestamp(start).date())
        if end is not None:
            sql += " AND date <= ?"
            params.append(pd.Timestamp(end).date())
        df = self._con.execute(sql + " ORDER BY date", params).df()
        if df.empty:
            return None
        idx = pd.DatetimeIndex(df.pop("date"), name="date").as_unit("ns")
        out = df.set_index(idx).astype("float64")
        drop = [c for c in OPTIONAL_COLUMNS if out[c].isna().all()]
        return out.drop(columns=drop)

    def last_date(self, symbol: str) -> date | None:
        """Date of the last cached bar of ``symbol`` (None when nothing is cached)."""
        rows = self._con.execute(
            "SELECT max(date) FROM bars WHERE symbol = ?", [_norm(symbol)]
        ).fetchall()  # fetchall: DuckDB 2 keeps a half-read result open and blocks the next call
        return rows[0][0] if rows else None

    def symbols(self) -> list[str]:
        """Symbols with at least one cached bar, sorted."""
        rows = self._con.execute("SELECT DISTINCT symbol FROM bars ORDER BY symbol").fetchall()
        return [r[0] for r in rows]

    def coverage(self) -> list[tuple[str, date, date, int]]:
        """``(symbol, first date, last date, rows)`` per cached symbol, sorted by symbol."""
        rows = self._con.execute(
            "SELECT symbol, min(date), max(date), count(*) FROM bars "
            "GROUP BY symbol ORDER BY symbol"
        ).fetchall()
        return [(s, first, last, int(n)) for s, first, last, n in rows]
