"""Where things live: the market data folder and the DuckDB store.

Neither default depends on where the package's source files are: an installed tapereader
(site-packages, a wheel, a zip) finds its data through the environment or the user's data
directory, never next to its own files.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "TAPEREADER_DATA"
DB_ENV = "TAPEREADER_DB"


def user_dir() -> Path:
    """tapereader's folder in the user data directory (``~/.local/share/tapereader``)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("tapereader"))


def default_data_dir() -> Path:
    """``$TAPEREADER_DATA`` if set, else ``market`` in the user data directory."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    return user_dir() / "market"


def default_db_path() -> Path:
    """``$TAPEREADER_DB`` if set, else ``tapereader.duckdb`` in the user data directory."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return user_dir() / "tapereader.duckdb"
