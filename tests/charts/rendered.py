"""The report's charts for a real date, rendered with their figures kept (for read-back tests)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from matplotlib.figure import Figure

from tapereader.charts import style
from tapereader.charts.draw import draw
from tapereader.config import default_watchlist
from tapereader.story.chartplan import ChartSpec, chart_plan
from tapereader.story.compose import compose_note
from tapereader.story.names import Names
from tests.story.realrun import engine_run

WL = default_watchlist()


@dataclass
class Day:
    asof: str
    specs: list[ChartSpec]
    charts: dict[str, style.Chart]
    figs: dict[str, Figure]
    folder: Path
    run: object


@lru_cache(maxsize=6)
def rendered(market_dir: Path, asof: str) -> Day:
    """Plan and draw every chart of the note for ``asof`` (cached; do not mutate)."""
    run = engine_run(market_dir, asof)
    note = compose_note(run.findings, WL, asof)
    specs = chart_plan(run.findings, note, WL, asof, present=run.bars)
    folder = Path(tempfile.mkdtemp(prefix=f"charts-{asof}-"))
    charts, figs = {}, {}
    for spec in specs:
        with style.capture() as kept:
            charts[spec.name] = draw(spec, run.bars, asof, folder, Names(WL))
        figs[spec.name] = kept[-1]
    return Day(asof, specs, charts, figs, folder, run)
