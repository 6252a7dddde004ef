"""Where things live: the market data folder and the DuckDB store."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATA_ENV = "TAPEREADER_DATA"
DB_ENV = "TAPEREADER_DB"


def default_data_dir() -> Path:
    """``$TAPEREADER_DATA`` if set, else ``../shared/data/market`` next to the checkout."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "data" / "market"


def default_db_path() -> Path:
    """``$TAPEREADER_DB`` if set, else ``tapereader.duckdb`` in the user data directory."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("tapereader")) / "tapereader.duckdb"
