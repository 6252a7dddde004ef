"""Draw a chart of the plan: one ``ChartSpec`` and the bars -> the rendered ``Chart``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..story.chartplan import ChartSpec
from ..story.names import Names
from . import style


def draw(spec: ChartSpec, bars: Mapping[str, pd.DataFrame], asof: str, out_dir: Path,
         names: Names) -> style.Chart:
    """Render ``spec`` into ``out_dir`` as ``<spec.name>.svg`` and ``.png``."""
    kind = spec.kind
    if kind == "benchmark":
        from .daily import render_benchmark

        return render_benchmark(spec, dict(bars), asof, out_dir, names)
    if kind == "trend":
        from .trend import render_trend

        if spec.line is None:
            raise ValueError("trend chart without a trend line")
        return render_trend(bars[spec.symbols[0]], spec.line, asof, out_dir, names,
                            spec.zones[0] if spec.zones else None, spec.name, spec.section)
    if kind == "channels":
        from .channels import render_channels

        sym = spec.symbols[0]
        return render_channels(bars[sym], sym, list(spec.channels), spec.analog, asof, out_dir,
                               names, spec.name, spec.section)
    if kind == "overlay":
        from .overlay import render_overlay

        a, b = spec.symbols
        return render_overlay(bars[a], bars[b], a, b, spec.levels, spec.marker, asof, out_dir,
                              names, spec.name, spec.section)
    if kind == "ratio":
        from .ratio import render_ratio

        a, b = spec.symbols
        return render_ratio(bars[a], bars[b], a, b, spec.relative, asof, out_dir, names,
                            spec.name, spec.section)
    if kind == "cross_asset":
        from .cross_asset import render_cross_asset

        return render_cross_asset(list(spec.cross), spec.symbols, spec.bold, out_dir, names,
                                  spec.name, spec.section)
    raise ValueError(f"unknown chart kind {kind!r}")
