"""Chart 5: stocks against other asset classes, returns over the periods as grouped bars."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..findings import Finding
from ..story import numbers as fmt
from ..story.names import Names
from . import style

PERIOD_COLOURS = ("#1f5fbf", "#90a4ae", "#cfd8dc")
MAX_PERIODS = 3


def period_label(p: object) -> str:
    return "year to date" if p == "ytd" else f"{p} sessions"


def _order(fs: list[Finding]) -> list[Finding]:
    ytd = [f for f in fs if f.figures.get("period") == "ytd"]
    rest = sorted((f for f in fs if f.figures.get("period") != "ytd"),
                  key=lambda f: -int(f.figures["period"]) if str(f.figures["period"]).isdigit()
                  else 0)
    return (ytd + rest)[:MAX_PERIODS]


@style.styled
def render_cross_asset(findings: list[Finding], symbols: list[str] | tuple[str, ...],
                       bold: list[str] | tuple[str, ...], out_dir: Path, names: Names,
                       name: str = "cross_asset", section: str = "") -> style.Chart:
    """Draw chart 5 from ``cross_asset`` findings (one per period): a row per symbol of
    ``symbols`` (in that order, as the plan chose them), ``bold`` ones in bold."""
    fs = _order([f for f in findings if f.kind == "cross_asset" and f.figures.get("returns")])
    if not fs:
        raise ValueError("no cross_asset findings to chart")
    main = fs[0].figures
    syms = [s for s in symbols if main["returns"].get(s) is not None]
    if not syms:
        raise ValueError("no cross_asset returns for the planned symbols")
    fig, ax = style.figure()
    h = 0.8 / len(fs)
    y = np.arange(len(syms))
    geo: dict = {"symbols": syms, "bars": {}}
    for k, f in enumerate(fs):
        rets = f.figures["returns"]
        vals = [float(rets[s]) if rets.get(s) is not None else np.nan for s in syms]
        yy = y + (k - (len(fs) - 1) / 2) * h
        ax.barh(yy, vals, height=h * 0.92, color=PERIOD_COLOURS[k], gid=f"bars-{k}",
                label=period_label(f.figures["period"]), zorder=3)
        geo["bars"][str(f.figures["period"])] = dict(zip(syms, vals, strict=True))
        if k == 0:
            for yi, v in zip(yy, vals, strict=True):
                if np.isfinite(v):
                    ax.annotate(fmt.pct(v, signed=True), (v, yi), xytext=(3 if v >= 0 else -3, 0),
                                textcoords="offset points", va="center", fontsize=7.5,
                                ha="left" if v >= 0 else "right")
    labels = [names.label(s) for s in syms]
    ax.set_yticks(y, labels)
    for t, s in zip(ax.get_yticklabels(), syms, strict=True):
        if s in bold:
            t.set_fontweight("bold")
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.7, gid="axis-rule")
    vals_all = [v for per in geo["bars"].values() for v in per.values() if np.isfinite(v)]
    lo, hi = min(0.0, *vals_all), max(0.0, *vals_all)
    pad = 0.16 * (hi - lo or 1.0)
    lo, hi = lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0)
    ax.set_xlim(lo, hi)
    style.pct_ticks(ax.xaxis, lo, hi)
    ax.grid(axis="y", visible=False)
    others = []
    for s in syms:
        g = names.group(s)
        if s not in bold and g not in others:
            others.append(g)
    title = "Stocks vs " + (", ".join(others[:-1]) + " and " + others[-1] if len(others) > 1
                            else (others[0] if others else "each other")) + ": returns"
    ax.set_title(title, loc="left")
    style.margins(fig, left=0.3)
    style.place_legend(ax, fig)
    alt = (f"Bar chart of {period_label(main['period'])} returns: "
           + ", ".join(f"{names.label(s)} {fmt.pct(main['returns'][s], signed=True)}"
                       for s in syms))
    files = style.save(fig, out_dir, name, layout=False)
    geo["title"] = title
    return style.Chart(name, title, alt + ".", files, geo, section=section)
