"""Fixtures: small temp copies of real universe files (never committed) plus planted bad ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SYMBOLS = ("A", "AAPL", "ABBV", "ABT", "ACN", "ADBE", "ADI", "ADM")


@pytest.fixture(scope="session")
def universe_dir(market_dir) -> Path:
    d = market_dir / "universe"
    if not (d / "AAPL.csv").exists():
        raise RuntimeError(f"universe data not found in {d}")
    return d


@pytest.fixture
def small_universe(universe_dir, tmp_path) -> Path:
    """A few real stocks, a corrupt file (BAD), a stock cut short in 2013 (SHORT)."""
    d = tmp_path / "u"
    d.mkdir()
    for s in SYMBOLS:
        shutil.copy(universe_dir / f"{s}.csv", d / f"{s}.csv")
    (d / "BAD.csv").write_text("date,open,high,low,close,adj_close,volume\n"
                               "2013-01-02,1,2,0.5,1.5,1.5,100\nnot a date,x,y,z,w,v,u\n")
    lines = (universe_dir / "ACN.csv").read_text().splitlines()
    keep = [ln for ln in lines[1:] if ln[:10] <= "2013-06-28"]
    (d / "SHORT.csv").write_text("\n".join([lines[0], *keep]) + "\n")
    return d
