"""Price data: validated daily Bars from files and providers, XNYS sessions, resampling.

The names below are imported when first used (PEP 562), so that importing
``tapereader.data.errors`` or ``tapereader.data.dates`` (what every command needs first)
does not load pandas, numba and the calendar.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "COLUMNS": "bars", "OPTIONAL_COLUMNS": "bars", "PRICE_COLUMNS": "bars",
    "BarArrays": "bars", "Bars": "bars", "has_adj_close": "bars", "has_volume": "bars",
    "is_session": "calendar", "sessions": "calendar",
    "DataError": "errors", "DataWarning": "errors", "ProviderError": "errors",
    "TapereaderError": "errors",
    "FolderRead": "readers", "list_symbols": "readers", "read_arrays": "readers",
    "read_bars": "readers", "read_folder": "readers", "write_bars": "readers",
    "cut": "resample", "resample": "resample",
    "normalize_columns": "validate", "validate_frame": "validate",
}

if TYPE_CHECKING:
    from .bars import (
        COLUMNS,
        OPTIONAL_COLUMNS,
        PRICE_COLUMNS,
        BarArrays,
        Bars,
        has_adj_close,
        has_volume,
    )
    from .calendar import is_session, sessions
    from .errors import DataError, DataWarning, ProviderError, TapereaderError
    from .readers import FolderRead, list_symbols, read_arrays, read_bars, read_folder, write_bars
    from .resample import cut, resample
    from .validate import normalize_columns, validate_frame


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'tapereader.data' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "PRICE_COLUMNS",
    "BarArrays",
    "Bars",
    "DataError",
    "DataWarning",
    "FolderRead",
    "ProviderError",
    "TapereaderError",
    "cut",
    "has_adj_close",
    "has_volume",
    "is_session",
    "list_symbols",
    "normalize_columns",
    "read_arrays",
    "read_bars",
    "read_folder",
    "resample",
    "sessions",
    "validate_frame",
    "write_bars",
]
