"""Chart 4: the ratio line of a pair (first / second) with its highs.

A rising ratio means the first instrument leads. The prior high of the ratio (the highest
value before the last month) is drawn as a level; a new high above it is marked.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..data.resample import cut
from ..findings import Finding
from ..story import numbers as fmt
from ..story.names import Names
from . import style

SESSIONS = 252
RECENT = 21


@style.styled
def render_ratio(bars_a: pd.DataFrame, bars_b: pd.DataFrame, a: str, b: str,
                 rel: list[Finding] | tuple[Finding, ...], asof: str, out_dir: Path,
                 names: Names, name: str = "ratio", section: str = "") -> style.Chart:
    """Draw chart 4 for the pair ``a``/``b``; ``rel`` are its relative_strength findings."""
    both = pd.concat([cut(bars_a, asof)["close"], cut(bars_b, asof)["close"]], axis=1,
                     keys=[a, b], join="inner").dropna()
    d = both.iloc[-min(SESSIONS, len(both)):]
    r = (d[a] / d[b]).to_numpy(float)
    x = np.arange(len(r))
    fig, ax = style.figure()
    ax.plot(x, r, color=style.BLUE, linewidth=1.4, label=f"{a}/{b} closing ratio",
            gid="ratio")
    geo: dict = {"index": [t.date().isoformat() for t in d.index], "ratio_last": float(r[-1])}
    if len(r) > RECENT + 1:
        j = int(np.argmax(r[:-RECENT]))
        ax.hlines(r[j], j, len(r) - 1, colors=style.GREY, linestyles="--", linewidth=1.0,
                  label=f"prior high ({fmt.date(d.index[j].date().isoformat())})")
        geo["prior_high"] = {"x": j, "y": float(r[j])}
        k = len(r) - RECENT + int(np.argmax(r[-RECENT:]))
        if r[k] > r[j]:
            ax.scatter([k], [r[k]], marker="^", s=60, color=style.UP, zorder=5,
                       label="new high")
            geo["new_high"] = {"x": k, "y": float(r[k])}
    span = float(r.max() - r.min()) or 1.0
    style.price_ticks(ax, float(r.min()) - 0.08 * span, float(r.max()) + 0.12 * span, log=False)
    style.DateAxis(d.index).apply(ax)
    longest = rel[-1] if rel else None
    state = ""
    if rel and any(f.figures.get("ratio_new_high") for f in rel):
        state = ": at a new high"
    title = f"{a} / {b} ratio, daily{state}"
    ax.set_title(title, loc="left")
    style.margins(fig)
    style.place_legend(ax, fig,
                       retick=lambda lo, hi: style.price_ticks(ax, lo, hi, log=False))
    alt = (f"Line chart of the ratio of {names.the(a)} to {names.the(b)} over the last year")
    if longest is not None:
        g = longest.figures
        alt += (f"; over {fmt.count(g['sessions'])} sessions {a} is "
                f"{'ahead' if g['pct_diff'] >= 0 else 'behind'} by "
                f"{fmt.points(g['pct_diff'], absolute=True)}")
    if state:
        alt += "; the ratio is at a new high"
    files = style.save(fig, out_dir, name, layout=False)
    return style.Chart(name, title, alt + ".", files, geo, section=section)
