"""tapereader: reads market charts like a seasoned chartist and writes the daily note.

The public API (imported when first used, so that ``import tapereader`` and the CLI start
fast)::

    import tapereader
    frames = tapereader.read_folder("market")              # {symbol: DataFrame}
    found = tapereader.analyze(frames, asof="2013-07-08")  # list of Finding
    table = tapereader.findings_table(found)               # tidy DataFrame, as the scan's
    tapereader.report(frames, "out", asof="2013-07-08")    # the daily note

See ``tapereader.engine`` (findings), ``tapereader.report`` (the note) and
``tapereader.scan`` (universe scans).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _numba_cache

_numba_cache.configure()  # before numba is imported anywhere: a writable cache folder

if TYPE_CHECKING:
    from .api import analyze, findings_table, read_folder
    from .data.errors import DataError, TapereaderError
    from .findings import Finding

_API = {"analyze": "api", "findings_table": "api", "read_folder": "api", "report": "api",
        "Finding": "findings", "DataError": "data.errors", "TapereaderError": "data.errors"}

__all__ = ["DataError", "Finding", "TapereaderError", "analyze", "findings_table",
           "read_folder", "report"]


def __getattr__(name: str) -> Any:
    if name == "__version__":  # read from the installed metadata only when asked
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("tapereader")
        except PackageNotFoundError:  # running from a source tree that is not installed
            return "0+unknown"
    where = _API.get(name)
    if where is None:
        raise AttributeError(f"module 'tapereader' has no attribute {name!r}")
    import importlib

    if name == "report":  # the module tapereader.report, callable as api.report
        return importlib.import_module(".report", __name__)

    value = getattr(importlib.import_module(f".{where}", __name__), name)
    globals()[name] = value
    return value
