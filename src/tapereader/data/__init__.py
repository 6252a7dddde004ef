"""Price data: validated daily Bars from files and providers, XNYS sessions, resampling."""

from __future__ import annotations

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
