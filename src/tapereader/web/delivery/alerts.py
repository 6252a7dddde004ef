"""Alerts: when the close shows a one-day bearish reversal or a broken weekly trend line on a
watchlist index, a short alert post is published for alert subscribers; at most one alert
per symbol and kind per ISO week (the ``AlertLog`` unique constraint is the rule)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from .models import AlertLog

INDEX_ROLES = ("benchmark", "small_caps", "large_cap_growth", "large_cap_value")


@dataclass(frozen=True)
class AlertSignal:
    symbol: str
    kind: str          # "bearish_reversal" or "weekly_trendline_break"
    session: str
    summary: str
    figures: dict[str, Any]


def index_symbols(watchlist: Any) -> set[str]:
    """The watchlist's equity indexes (an ETF that tracks one of them is left out)."""
    out = set()
    for sym, inst in watchlist.instruments.items():
        if inst.role in INDEX_ROLES and not getattr(inst, "tracks", None):
            out.add(sym)
    return out


def signals(findings: Iterable[dict[str, Any]], session: str,
            symbols: set[str]) -> list[AlertSignal]:
    """The alert-worthy findings known at the close of ``session`` on these symbols."""
    out: list[AlertSignal] = []
    seen: set[tuple[str, str]] = set()
    for f in findings:
        if f.get("symbol") not in symbols or str(f.get("known_at")) != session:
            continue
        fig = f.get("figures") or {}
        kind = None
        if f["kind"] == "reversal_day" and fig.get("direction") == "bearish":
            kind = "bearish_reversal"
        elif f["kind"] == "trendline_break" and f.get("timeframe") == "weekly":
            kind = "weekly_trendline_break"
        if kind and (f["symbol"], kind) not in seen:
            seen.add((f["symbol"], kind))
            out.append(AlertSignal(f["symbol"], kind, session, str(f.get("summary", "")), fig))
    return out


def iso_week(day: dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def headline(sig: AlertSignal, name: str) -> str:
    if sig.kind == "bearish_reversal":
        return f"{name}: a one-day bearish reversal at the close of {sig.session}"
    direction = "uptrend" if sig.figures.get("direction") == "up" else "downtrend"
    return f"{name}: the weekly {direction} line broke (week of {sig.session})"


def publish_alerts(note: Any, *, watchlist: Any = None) -> list[Any]:
    """Create and publish an alert post per new signal in ``note``'s findings; returns the
    alert posts created (none when this week already had that symbol and kind's alert)."""
    from tapereader.config import default_watchlist
    from tapereader.web.posts.models import Post, Status

    wl = watchlist or default_watchlist()
    session = note.date.isoformat()
    found = (note.findings or {}).get("findings", [])
    posts = []
    for sig in signals(found, session, index_symbols(wl)):
        week = iso_week(note.date)
        if AlertLog.objects.filter(symbol=sig.symbol, kind=sig.kind, week=week).exists():
            continue
        name = wl.instruments[sig.symbol].name if sig.symbol in wl.instruments else sig.symbol
        title = headline(sig, name)
        body = render_to_string("delivery/alert.md", {"sig": sig, "name": name, "note": note})
        try:
            with transaction.atomic():
                post = Post(date=note.date, kind="alert", headline=title[:300],
                            slug=slugify(f"alert-{sig.symbol}-{sig.kind}")[:100],
                            body_md=body, status=Status.PUBLISHED, published_at=timezone.now(),
                            findings={"alert": sig.kind, "symbol": sig.symbol,
                                      "figures": sig.figures})
                if hasattr(post, "refresh_rendering"):
                    post.refresh_rendering()
                post.save()
                AlertLog.objects.create(symbol=sig.symbol, kind=sig.kind, week=week, post=post)
        except IntegrityError:  # another run got there first
            continue
        posts.append(post)
    return posts
