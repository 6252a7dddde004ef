"""Write the scan table: CSV or Parquet by suffix, atomically (temp file, then rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .runner import ScanError, ScanResult

FORMATS = (".csv", ".parquet")


def check_out(out: Path | str) -> Path:
    """``out`` if the scan table can be written there (checked before a scan starts), else a
    ScanError naming ``out``: a .csv/.parquet name, in a folder that exists and can be
    written, not a folder itself."""
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise ScanError(f"--out {out}: use a .csv or .parquet file name")
    if out.is_dir():
        raise ScanError(f"--out {out}: is a folder; give a file name")
    if not out.parent.is_dir():
        what = "is a file, not a folder" if out.parent.exists() else "does not exist"
        raise ScanError(f"--out {out}: {out.parent} {what}")
    os.unlink(_temp_beside(out))
    return out


def _temp_beside(out: Path) -> str:
    """An empty temporary file in ``out``'s folder (so ``os.replace`` is atomic); an error
    names ``out``, never the temporary file."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as e:
        raise ScanError(f"--out {out}: cannot write in {out.parent} "
                        f"({e.strerror or e})") from None
    os.close(fd)
    return tmp


def write_scan(result: ScanResult, out: Path) -> Path:
    """Write ``result.rows`` to ``out`` (``.csv`` or ``.parquet``); returns the path.

    The file appears complete or not at all. Same rows give the same bytes, whichever
    engine produced them. Every error names ``out`` (never the temporary file).
    """
    out = check_out(out)
    tmp = _temp_beside(out)
    try:
        if out.suffix.lower() == ".csv":
            to_csv(result.rows, tmp)
        else:
            result.rows.to_parquet(tmp, index=False, engine="pyarrow")
        os.replace(tmp, out)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise ScanError(f"--out {out}: cannot write it ({e.strerror or e})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def to_csv(rows: pd.DataFrame, path: str | Path) -> None:
    """``rows.to_csv(path, index=False, lineterminator="\\n")``, the same bytes, faster:
    pandas formats Arrow-backed text and nullable columns for CSV slower than object ones
    (timings: docs/status.md)."""
    rows.astype(object).to_csv(path, index=False, lineterminator="\n")
