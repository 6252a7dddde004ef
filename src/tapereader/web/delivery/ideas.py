"""Trade ideas for the daily mail: the day's few strongest setups from the universe scan
(``tapereader.scan.run_scan``), each with its levels, worded as things to watch, never as
advice. Only when a universe folder is configured (``TAPEREADER_UNIVERSE``); computed once
per post (``prepare_ideas``, stored in ``TradeIdeas``), read by every worker."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

MIN_RS = 80        # a breakout counts when the stock's RS rating is at least this
PER_KIND = 2
TOP = 5
KINDS = ("breakout", "trendline_retest", "reversal_day")


def universe_dir() -> Path | None:
    value = str(getattr(settings, "TAPEREADER_UNIVERSE", "") or "")
    return Path(value) if value else None


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def pick_ideas(result: Any, session: str, *, top: int = TOP) -> list[dict[str, str]]:
    """The setups known at the close of ``session``: fresh breakouts with an RS rating of at
    least MIN_RS, re-tests of broken trend lines, bearish reversal days; strongest RS first,
    at most PER_KIND of a kind and ``top`` in all. Each is {symbol, kind, text}."""
    from tapereader.scan.summary import fresh_rows

    rows = fresh_rows(result, KINDS)
    if rows.empty:
        return []
    rows = rows[rows["known_at"].astype(str) == session]
    picked: list[dict[str, str]] = []
    taken: dict[str, int] = {}
    symbols: set[str] = set()
    for _, r in rows.iterrows():
        kind = str(r["kind"])
        rs = _num(r.get("rs_rating"))
        rs_i = None if rs is None else int(rs)
        if taken.get(kind, 0) >= PER_KIND or r["symbol"] in symbols:
            continue
        if kind == "breakout" and (rs_i is None or rs_i < MIN_RS):
            continue
        if kind == "reversal_day" and r.get("figures.direction") != "bearish":
            continue
        fig = {k.removeprefix("figures."): r[k] for k in r.index if str(k).startswith("figures.")}
        text = render_to_string(f"delivery/ideas/{kind}.txt",
                                {"r": r, "f": fig, "rs": rs_i}).strip()
        picked.append({"symbol": str(r["symbol"]), "kind": kind, "text": " ".join(text.split())})
        taken[kind] = taken.get(kind, 0) + 1
        symbols.add(str(r["symbol"]))
        if len(picked) >= top:
            break
    return picked


def scan_ideas(session: str, folder: Path, *, workers: int | None = None) -> list[dict[str, str]]:
    """Run the scan on ``folder`` as of ``session`` and pick its ideas."""
    from tapereader.scan.runner import run_scan

    return pick_ideas(run_scan(folder, session, workers=workers), session)


def prepare_ideas(post: Any) -> list[dict[str, str]]:
    """Compute and store the ideas of a daily note (once); [] for alerts or no universe."""
    from .models import TradeIdeas

    folder = universe_dir()
    if post.kind != "note" or folder is None:
        return []
    have = TradeIdeas.objects.filter(post=post).first()
    if have is not None:
        return list(have.ideas)
    ideas = scan_ideas(post.date.isoformat(), folder)
    TradeIdeas.objects.get_or_create(post=post, defaults={"ideas": ideas})
    return ideas


def ideas_for(post: Any) -> list[dict[str, str]]:
    """The stored ideas to end ``post``'s mail with (none when none were prepared)."""
    from .models import TradeIdeas

    have = TradeIdeas.objects.filter(post=post).first()
    return list(have.ideas) if have is not None else []

