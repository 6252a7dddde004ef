"""The real engine on the real data, cached per date (for story, chart and report tests)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from tapereader.config import default_watchlist
from tapereader.pipeline import Run, load_and_analyze


@lru_cache(maxsize=4)
def engine_run(market_dir: Path, asof: str) -> Run:
    """Findings for the default watchlist as of ``asof`` (read-only: do not mutate)."""
    return load_and_analyze(Path(market_dir), asof, default_watchlist(), None)
