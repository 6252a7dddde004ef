"""Shared fixtures: the real market data folder and loaded real series."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tapereader.paths import DATA_ENV, default_data_dir

# The real data of this checkout (../shared/data/market) unless $TAPEREADER_DATA names
# another folder: the package's own default is the user data directory, not the checkout.
_CHECKOUT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "market"
if not os.environ.get(DATA_ENV) and _CHECKOUT_DATA.is_dir():
    os.environ[DATA_ENV] = str(_CHECKOUT_DATA)


@pytest.fixture(scope="session")
def market_dir() -> Path:
    """The real data folder (../shared/data/market or $TAPEREADER_DATA); missing is an error."""
    d = default_data_dir()
    if not (d / "GSPC.csv").exists():
        raise RuntimeError(f"real market data not found in {d}: set {DATA_ENV} "
                           f"(currently {os.environ.get(DATA_ENV)!r})")
    return d


@pytest.fixture(scope="session")
def real_bars(market_dir):
    """``real_bars(symbol, asof=None)`` -> daily Bars from the real data folder, cut at asof."""
    import pandas as pd

    from tapereader.data.readers import read_bars
    from tapereader.data.resample import cut

    cache: dict[str, pd.DataFrame] = {}

    def load(symbol: str, asof: str | None = None) -> pd.DataFrame:
        if symbol not in cache:
            cache[symbol] = read_bars(market_dir / f"{symbol}.csv")[0]
        return cut(cache[symbol], asof)

    return load


@pytest.fixture(scope="session")
def real_series(real_bars):
    """``real_series(symbol, timeframe="daily", asof=None)`` -> Series from the real data."""
    from tapereader.analysis.series import series_from_bars
    from tapereader.data.resample import resample

    def load(symbol: str, timeframe: str = "daily", asof: str | None = None):
        bars = real_bars(symbol, asof)
        if timeframe != "daily":
            bars = resample(bars, timeframe, asof)
        return series_from_bars(bars, symbol, timeframe)

    return load


REAL_DATA_FIXTURES = {"market_dir", "real_bars", "real_series"}


def pytest_collection_modifyitems(config, items):
    """Every test that uses the real data (through these fixtures) is marked ``realdata``,
    so ``pytest -m "not realdata"`` runs offline, without the data folder."""
    for item in items:
        if REAL_DATA_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.realdata)
