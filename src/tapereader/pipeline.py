"""Read a data folder and run the engine: what ``findings`` and ``report`` share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .config import Watchlist
from .data.errors import DataError
from .data.readers import FolderRead
from .findings import Finding


@dataclass
class Run:
    bars: dict[str, pd.DataFrame]
    findings: list[Finding]
    document: dict[str, Any]
    errors: dict[str, DataError] = field(default_factory=dict)


def choose_symbols(available: list[str], watchlist: Watchlist) -> list[str]:
    """Every available symbol: the watchlist's first (in its order), then the rest sorted."""
    known = [s for s in watchlist.instruments if s in available]
    return known + sorted(s for s in available if s not in watchlist)


def _read_store(db: Path, symbols: list[str] | None, watchlist: Watchlist
                ) -> tuple[list[str], FolderRead]:
    """Bars from the DuckDB store that ``tapereader fetch`` fills."""
    from .data.store import Store

    res = FolderRead()
    with Store(db, read_only=True) as store:  # read-only: other readers are not locked out
        syms = symbols or choose_symbols(store.symbols(), watchlist)
        if not syms:
            raise DataError(str(db), "the store holds no symbols yet (tapereader fetch ...)")
        for s in syms:
            try:  # bars that break a rule are that symbol's error, as a bad file is
                b = store.get(s)
            except DataError as err:
                res.errors[s] = err
                continue
            if b is None or not len(b):
                res.errors[s] = DataError(str(db), f"no bars stored for {s} (tapereader fetch {s})")
            else:
                res.bars[s] = b
    return syms, res


def load_and_analyze(folder: Path | None, asof: str | None, watchlist: Watchlist,
                     symbols: list[str] | None, db: Path | None = None,
                     asof_param: str = "asof") -> Run:
    """Read the symbols' files (bad files reported, not fatal), or their bars from the DuckDB
    store when ``db`` is given, and analyze as of ``asof``.

    ``asof`` is checked as in every command (DateError naming ``asof_param``): not a date,
    in the future, before every symbol's data, after every symbol's last bar.
    """
    from .data.dates import check_asof, parse_asof
    from .data.readers import list_symbols, read_folder
    from .engine import analyze_bars, findings_document

    asof = parse_asof(asof, asof_param)
    if asof is not None:
        check_asof(asof, [], [], asof_param)  # the future: before reading anything

    if db is not None:
        syms, res = _read_store(db, symbols, watchlist)
        folder = Path(db)
    else:
        assert folder is not None
        syms = symbols or choose_symbols(list_symbols(folder), watchlist)
        if not syms:
            raise DataError(str(folder), "no SYMBOL.csv or SYMBOL.parquet files in this folder")
        res = read_folder(folder, syms)
    if not res.bars:
        first = next(iter(res.errors.values()))
        what = "symbols" if db is not None else "symbol files"
        raise DataError(str(folder), f"no readable {what} (first problem: {first})")
    bars = {s: res.bars[s] for s in syms if s in res.bars}
    errors: dict[str, DataError] = dict(res.errors)
    if asof is not None:
        check_asof(asof, [b.index[0] for b in bars.values() if len(b)],
                   [b.index[-1] for b in bars.values() if len(b)], asof_param)
        at = pd.Timestamp(asof)
        for s in [s for s, b in bars.items() if not len(b) or b.index[0] > at]:
            b = bars.pop(s)
            starts = b.index[0].date() if len(b) else None
            errors[s] = DataError(s, f"no bars on or before {asof}"
                                  + (f" (its data starts {starts})" if starts else ""))
    found = analyze_bars(bars, asof, watchlist)
    doc = findings_document(found, bars, asof)
    return Run(bars, found, doc, errors)
