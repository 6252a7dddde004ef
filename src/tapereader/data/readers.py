"""Read Bars from a folder of files, one per symbol: ``SYMBOL.csv`` or ``SYMBOL.parquet``.

CSV layouts are detected from the header (Yahoo export ``Date,Open,High,Low,Close,Adj Close,
Volume``; Stooq ``Date,Open,High,Low,Close,Volume``, its Polish headers and its bulk
``<DATE>,<OPEN>,...`` files; lower-case ``date,open,high,low,close,adj_close,volume``).
Everything goes through :func:`~tapereader.data.validate.validate_frame`, so a bad file
gives one line naming the file, the row, the line, the date and the rule broken.

Speed (universe scans): plain files take a fast path (CSV: one numba pass over the bytes,
:mod:`~tapereader.data.fastcsv`; parquet: Arrow columns straight to arrays) and a
whole-array check (:func:`~tapereader.data.validate.arrays_if_valid`). Anything unusual
or invalid falls back to the general pandas path, which gives the same Bars and names
every error. :func:`read_arrays` skips the DataFrame
(what a universe scan reads).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .bars import BarArrays, Bars
from .errors import DataError, DataWarning
from .fastcsv import parse_plain_csv
from .validate import REQUIRED, arrays_if_valid, canonical_name, normalize_columns, validate_frame

SUFFIXES = (".csv", ".parquet")


@dataclass
class FolderRead:
    """What reading a folder gave: good Bars, per-symbol errors, and all warnings."""

    bars: dict[str, Bars] = field(default_factory=dict)
    errors: dict[str, DataError] = field(default_factory=dict)
    warnings: list[DataWarning] = field(default_factory=list)


def read_bars(path: Path | str) -> tuple[Bars, list[DataWarning]]:
    """Read and validate one ``.csv`` or ``.parquet`` file; DataError on any problem."""
    got, warns = _read(path)
    return (got.frame() if isinstance(got, BarArrays) else got), warns


def read_arrays(path: Path | str) -> tuple[BarArrays, list[DataWarning]]:
    """:func:`read_bars` as arrays: no DataFrame is built when the fast path reads the file."""
    got, warns = _read(path)
    return (got if isinstance(got, BarArrays) else BarArrays.from_frame(got)), warns


def _read(path: Path | str) -> tuple[BarArrays | Bars, list[DataWarning]]:
    """Arrays from the fast paths, Bars from the general one."""
    path = Path(path)
    src = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError(src, f"unsupported file type {path.suffix!r} (use .csv or .parquet)")
    if not path.is_file():
        if path.is_symlink() and not path.exists():
            raise DataError(src, f"dangling symbolic link (to {os.readlink(path)}, which does "
                                 f"not exist)")
        if path.is_dir():
            raise DataError(src, "is a folder, not a file")
        raise DataError(src, "file not found")
    if suffix == ".parquet":
        fast = _read_plain_parquet(path, src)
        return fast if fast is not None else validate_frame(_read_parquet(path), src)
    fast = _read_plain_csv(path, src)
    return fast if fast is not None else _read_any_csv(path, src)


def _check_header(path: Path, src: str) -> None:
    """Name the causes pandas would hide: a header cell repeated (pandas renames the second
    ``close`` to ``close.1`` and it would be dropped), a file separated by semicolons (and
    its decimal commas), tabs or vertical bars, reported as missing columns otherwise."""
    import csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            head = [f.readline(), f.readline()]
    except (OSError, UnicodeDecodeError):
        return  # _read_csv names it
    cells = next(csv.reader([head[0]]), [])
    canon = [canonical_name(c) for c in cells]
    seen: dict[str, int] = {}
    for i, name in enumerate(canon):
        if name is None:
            continue
        if name in seen:
            raise DataError(src, f"columns {seen[name] + 1} ({cells[seen[name]].strip()!r}) and "
                                 f"{i + 1} ({cells[i].strip()!r}) both mean {name}", "header")
        seen[name] = i
    for sep, what in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
        if len(cells) > 1 or head[0].count(sep) < 4:
            continue
        other = [canonical_name(c) for c in head[0].strip().split(sep)]
        if "date" in other and "close" in other:
            comma = sep == ";" and re.search(r"\d,\d", head[1]) is not None
            raise DataError(src, f"separated by {what}, not commas"
                            + (" (with decimal commas)" if comma else "")
                            + ": export it as CSV with commas and decimal points", "header")


def _read_any_csv(path: Path, src: str) -> tuple[Bars, list[DataWarning]]:
    """The general path: any layout pandas reads, each problem named by validate_frame."""
    _check_header(path, src)
    raw = _read_csv(path)
    if not isinstance(raw.index, pd.RangeIndex):  # pandas took the extra fields as an index
        _ragged_row(path, src)
    df = normalize_columns(raw, src)
    if any(c not in df.columns for c in REQUIRED):
        return validate_frame(raw, src)  # names the missing columns and the header found
    lines = None
    if "date" in df.columns:
        # rows are file lines 2, 3, ...: drop blank lines but keep their numbering
        lines = np.arange(2, len(df) + 2)
        blank_date = df["date"].isna().to_numpy()
        if blank_date.any():
            blank = blank_date & df.isna().all(axis=1).to_numpy()
            if blank.any():
                df, lines = df.loc[~blank], lines[~blank]
    return validate_frame(df, src, lines=lines)


def _read_plain_csv(path: Path, src: str) -> tuple[BarArrays, list[DataWarning]] | None:
    """The fast path: a plain, valid CSV read without pandas; None means "use the general path".

    Gives exactly what the general path gives (same floats, same Bars, same warnings) for
    the files it accepts; anything unusual or invalid goes to the general path, which also
    names errors.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    end = data.find(b"\n", start)
    if end < 0:
        return None
    try:
        header = data[start:end].decode("ascii").removesuffix("\r")
    except UnicodeDecodeError:
        return None
    names = header.split(",")
    # pandas would rename repeated or empty names: leave those files to it
    if "\r" in header or len(set(names)) < len(names) or not all(n.strip() for n in names):
        return None
    canon = [canonical_name(n) for n in names]
    known = [c for c in canon if c is not None]
    if len(set(known)) < len(known) or any(c not in known for c in REQUIRED):
        return None
    parsed = parse_plain_csv(data, canon)
    if parsed is None:
        return None
    return arrays_if_valid(*parsed, src)


_TOKENIZE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _read_csv(path: Path) -> pd.DataFrame:
    src = str(path)
    try:
        return pd.read_csv(path, skip_blank_lines=False, encoding="utf-8-sig",
                           skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataError(src, "empty file (no header)") from None
    except pd.errors.ParserError as err:
        m = _TOKENIZE.search(str(err))
        if m and int(m[3]) > int(m[1]):
            raise _more_fields(src, int(m[2]), int(m[3]), int(m[1])) from None
        if m:
            raise DataError(src, f"malformed CSV: expected {m[1]} fields, saw {m[3]}",
                            f"line {m[2]}") from None
        raise DataError(src, f"malformed CSV: {_one_line(err)}") from None
    except UnicodeDecodeError as err:
        raise DataError(src, "not UTF-8 text", f"byte {err.start}") from None
    except OSError as err:
        raise DataError(src, f"cannot read file: {_one_line(err)}") from None


def _more_fields(src: str, line: int, fields: int, header: int) -> DataError:
    return DataError(src, f"{fields} fields, more than the header's {header}",
                     f"row {line - 1} (line {line})")


def _ragged_row(path: Path, src: str) -> None:
    """Raise for the first row with more fields than the header (pandas would read the
    first fields of every row as an index and shift the columns: a wrong cause later)."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        header = len(next(rows, []))
        for row in rows:
            if len(row) > header:
                raise _more_fields(src, rows.line_num, len(row), header)


_NS_DAYS = 100_000  # |days from 1970| that datetime64[ns] holds with room to spare


def _read_plain_parquet(path: Path, src: str) -> tuple[BarArrays, list[DataWarning]] | None:
    """The fast path for parquet: Arrow columns straight to arrays, without pandas.

    Accepts a naive timestamp or date32 ``date`` column (midnights, no nulls) and float or
    integer value columns (nulls only in float ones); anything else, or any rule broken,
    returns None and the general path (pandas + validate_frame) reads and names it.
    """
    try:
        with pq.ParquetFile(path) as f:
            table = f.read(use_threads=False)
    except Exception:  # the general path reports it
        return None
    names = table.column_names
    canon = [canonical_name(n) for n in names]
    known = [c for c in canon if c is not None]
    if (len(set(names)) < len(names) or len(set(known)) < len(known)
            or any(c not in known for c in REQUIRED) or table.num_rows == 0):
        return None
    dates = None
    values: dict[str, np.ndarray] = {}
    for name, col in zip(canon, table.columns, strict=True):
        if name is None:
            continue
        t = col.type
        if name == "date":
            if col.null_count or not (pa.types.is_date32(t) or (
                    pa.types.is_timestamp(t) and t.tz is None)):
                return None
            raw = col.to_numpy()
            days = raw.astype("datetime64[D]")
            if (days != raw).any():  # a time of day: the general path keeps only the date
                return None
            ints = days.view("int64")
            if ints.min() < -_NS_DAYS or ints.max() > _NS_DAYS:
                return None
            dates = days.astype("datetime64[ns]")
        elif pa.types.is_floating(t) and t.bit_width >= 32:
            values[name] = col.to_numpy().astype(np.float64, copy=False)
        elif pa.types.is_integer(t) and not col.null_count:
            values[name] = col.to_numpy().astype(np.float64)
        else:
            return None
    if dates is None:
        return None
    return arrays_if_valid(dates, values, src)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as err:  # pyarrow raises many types for corrupt files
        raise DataError(str(path), f"unreadable parquet file ({type(err).__name__}: "
                                   f"{_one_line(err)})") from None


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:200] if text else type(err).__name__


def _files(folder: Path) -> dict[str, list[Path]]:
    if not folder.is_dir():
        raise DataError(str(folder), "data folder not found")
    out: dict[str, list[Path]] = {}
    for p in folder.iterdir():
        # folders named X.csv and dangling links too: reading them names the problem
        if p.suffix.lower() in SUFFIXES and not p.name.startswith(".") and (
                p.is_file() or p.is_dir() or p.is_symlink()):
            out.setdefault(p.stem, []).append(p)
    return out


def list_symbols(folder: Path | str) -> list[str]:
    """Sorted symbols with a ``SYMBOL.csv`` or ``SYMBOL.parquet`` in ``folder``."""
    return sorted(_files(Path(folder)))


def _find(files: dict[str, list[Path]], symbol: str, folder: Path) -> Path:
    paths = files.get(symbol)
    if paths is None:
        matches = [s for s in files if s.lower() == symbol.lower()]
        if len(matches) == 1:
            paths = files[matches[0]]
    if not paths:
        raise DataError(str(folder), f"no file for symbol {symbol} "
                                     f"(expected {symbol}.csv or {symbol}.parquet)")
    if len(paths) > 1:
        names = " and ".join(sorted(p.name for p in paths))
        raise DataError(str(folder), f"symbol {symbol} has two files ({names}): keep one")
    return paths[0]


def read_folder(folder: Path | str, symbols: Iterable[str] | None = None) -> FolderRead:
    """Read every (or each requested) symbol's file; bad files go to ``errors``.

    A missing folder raises DataError. A requested symbol without a file is an error
    for that symbol naming the folder; the other symbols are still read.
    """
    folder = Path(folder)
    files = _files(folder)
    wanted = sorted(files) if symbols is None else list(dict.fromkeys(symbols))
    res = FolderRead()
    for sym in wanted:
        try:
            bars, warns = read_bars(_find(files, sym, folder))
        except DataError as err:
            res.errors[sym] = err
            continue
        res.bars[sym] = bars
        res.warnings.extend(warns)
    return res


def write_bars(bars: Bars, path: Path | str) -> Path:
    """Write Bars atomically as ``.csv`` (lower-case layout) or ``.parquet``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError(str(path), f"unsupported file type {path.suffix!r} (use .csv or .parquet)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        frame = bars.rename_axis("date")
        if suffix == ".csv":
            frame.to_csv(tmp, date_format="%Y-%m-%d")
        else:
            frame.to_parquet(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
