"""Section order by the ranking of their stories.

The big picture always opens the note and "what to watch" closes it; the sections between
are ordered by ``section_score``: the rarity (years since a comparable event, as in
``story.significance``) of the story each section tells, with small fixed scores for
everyday sections. Ties keep ``compose.SECTIONS`` order.
"""

from __future__ import annotations

from typing import Any

from . import bigpicture as bpm
from .significance import LEADER_RARITY, LINE_MAX_RARITY, LINE_YEARS_WEIGHT, RETEST_RARITY

FIRST, LAST = "big_picture", "watch"
LEVELS_SCORE = 0.2
CROSS_SCORE = 0.18
SLOPE_SCORE = 0.12          # channels and analogs, when the market is rising ...
SLOPE_FALLING_SCORE = 0.05  # ... and when it is not (a rally's slope matters less then)
MOVES_SCORE = 0.05


def section_score(key: str, ctx: dict[str, Any]) -> float:
    """The rank score of section ``key`` given the composing context."""
    asof = ctx["asof"]
    if key == FIRST:
        return float("inf")
    if key == LAST:
        return float("-inf")
    if key == "leaders":
        h = ctx["headline"]
        return LEADER_RARITY + (h["rarity"] if h.get("story") == "leader_record" else 0.0)
    if key == "trendlines":
        best = 0.1
        for li in ctx["lines"]:
            g = li["f"].figures
            if g.get("state") == "retesting":
                best = max(best, RETEST_RARITY)
            elif g.get("state") == "broken" and g.get("anchors"):
                age = bpm.years_between(str(g["anchors"][0]), asof)
                best = max(best, min(LINE_MAX_RARITY, LINE_YEARS_WEIGHT * age))
        return best
    if key == "levels":
        return LEVELS_SCORE
    if key == "records":
        return max([bpm.record_rarity(f, asof) for f in ctx["records"]] or [MOVES_SCORE])
    if key == "cross_asset":
        return CROSS_SCORE
    if key == "slope":
        return SLOPE_SCORE if ctx["rising"] else SLOPE_FALLING_SCORE
    return 0.0


def ordered(keys: list[str], ctx: dict[str, Any]) -> list[str]:
    """``keys`` sorted by ``section_score`` (highest first), stable on ties."""
    return sorted(keys, key=lambda k: -section_score(k, ctx))


SECTION_PARTS = {
    "big_picture": ("bp",),
    "leaders": ("lead", "rel"),
    "trendlines": ("lines",),
    "levels": ("levels",),
    "records": ("records", "distances", "moves"),
    "cross_asset": ("cross",),
    "slope": ("channels", "analogs"),
    "watch": ("reversals", "targets"),
}
