"""The small public API, re-exported by ``tapereader``: read, analyze, tabulate, report.

    >>> import tapereader
    >>> frames = tapereader.read_folder("market")          # {symbol: DataFrame}
    >>> found = tapereader.analyze(frames, asof="2013-07-08")
    >>> table = tapereader.findings_table(found)           # one row per finding

Frames passed in are validated with the same rules and messages as files (a DataError names
``bars['SYMBOL']``, the row, the date and the rule); yfinance frames are normalised.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from .config import Watchlist
    from .findings import Finding
    from .report import ReportResult


def read_folder(path: str | Path, symbols: Iterable[str] | None = None,
                errors: str = "raise") -> dict[str, pd.DataFrame]:
    """Validated daily bars of every (or each requested) ``SYMBOL.csv``/``.parquet`` in
    ``path``, by symbol. ``errors``: "raise" (the first bad file's DataError) or "warn"
    (a warning per bad file; the good ones are returned)."""
    from .data.errors import DataError
    from .data.readers import read_folder as _read

    if errors not in ("raise", "warn"):
        raise ValueError(f"errors must be 'raise' or 'warn', not {errors!r}")
    res = _read(Path(path), symbols)
    if res.errors:
        if errors == "raise":
            raise next(iter(res.errors.values()))
        for e in res.errors.values():
            warnings.warn(str(e), UserWarning, stacklevel=2)
    if not res.bars and not res.errors:
        raise DataError(str(path), "no SYMBOL.csv or SYMBOL.parquet files in this folder")
    return dict(res.bars)


def _watchlist(watchlist: Watchlist | str | Path | None) -> Watchlist | None:
    if watchlist is None or not isinstance(watchlist, (str, Path)):
        return watchlist
    from .config import load_watchlist

    return load_watchlist(Path(watchlist))


def analyze(frames: Mapping[str, pd.DataFrame], asof: Any = None,
            watchlist: Watchlist | str | Path | None = None) -> list[Finding]:
    """The findings of ``frames`` ({symbol: daily OHLC DataFrame}) as of ``asof``
    (``YYYY-MM-DD``, a date or a Timestamp; default the latest date in the data)."""
    from .data.dates import check_asof, parse_asof
    from .engine import analyze_bars, validated

    at = parse_asof(asof, "asof")
    bars = validated(frames)
    if not bars:
        raise ValueError("frames is empty: pass {symbol: DataFrame}")
    check_asof(at, [b.index[0] for b in bars.values()], [b.index[-1] for b in bars.values()],
               "asof")
    return analyze_bars(bars, at, _watchlist(watchlist))


def findings_table(findings: Iterable[Finding]) -> pd.DataFrame:
    """The findings as a tidy table: one row per finding, ``figures.*`` as columns; the same
    table (columns, order, types) that ``tapereader scan`` writes."""
    from .scan.flatten import findings_frame

    return findings_frame(findings)


def report(frames: Mapping[str, pd.DataFrame], out_dir: str | Path, asof: Any = None,
           watchlist: Watchlist | str | Path | None = None) -> ReportResult:
    """Write the daily note of ``frames`` as of ``asof`` into ``out_dir`` (as the ``report``
    command does: index.html, note.md, note.txt, findings.json, charts)."""
    from .config import default_watchlist
    from .data.dates import parse_asof
    from .engine import findings_document
    from .report import write_report

    wl = _watchlist(watchlist) or default_watchlist()
    at = parse_asof(asof, "asof")
    found = analyze(frames, at, wl)
    from .engine import validated

    bars = validated(frames)
    doc = findings_document(found, bars, at)
    return write_report(bars, found, doc, wl, doc["asof"], Path(out_dir))
