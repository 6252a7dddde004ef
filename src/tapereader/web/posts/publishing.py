"""Turn the note for a session into a post: ``publish_note(asof, ...) -> Post``.

The note is composed and its charts drawn by the report's own code (``report.render_into``)
into a temporary folder; the post stores the note's Markdown (the one source of the page,
note.md and note.txt), the charts (SVG and PNG), the findings JSON and the tags. A post the
author edited in the admin is never overwritten unless ``force`` is given.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ...data.errors import TapereaderError
from .models import Chart, Kind, Post, Status, Tag
from .tagging import note_tags


class EditedPostError(TapereaderError):
    """The post was edited by its author; publishing again would lose the edit."""


@dataclass
class Prepared:
    """Everything a post is made of, before it touches the database."""

    asof: str
    headline: str
    body_md: str
    findings: dict[str, Any]
    charts: list[dict[str, Any]]
    tags: list[tuple[str, str, str]]
    data_asof: dt.datetime
    skipped: dict[str, str]


def session_close(asof: str) -> dt.datetime:
    """The XNYS close of the session ``asof`` (early closes included), aware, in UTC."""
    import pandas as pd

    from ...data.calendar import xnys

    cal = xnys()
    ts = pd.Timestamp(asof)
    if not cal.is_session(ts):
        ts = cal.date_to_session(ts, direction="previous")
    return cal.session_close(ts).to_pydatetime()


def prepare(asof: str, *, data: Path | None = None, db: Path | None = None,
            watchlist: Any = None) -> Prepared:
    """Read the data, run the engine, compose the note and draw its charts as of ``asof``."""
    from ...config import default_watchlist
    from ...paths import default_data_dir
    from ...pipeline import load_and_analyze
    from ...report import render_into

    wl = watchlist or default_watchlist()
    folder = None if db else (data or default_data_dir())
    if folder is not None and not folder.is_dir():
        raise TapereaderError(f"data folder not found: {folder} (use --data or $TAPEREADER_DATA)")
    run = load_and_analyze(folder, asof, wl, None, db)
    at = run.document["asof"]
    with tempfile.TemporaryDirectory(prefix="tapereader-publish-") as tmp:
        res = render_into(Path(tmp), run.bars, run.findings, run.document, wl, at)
        md = (Path(tmp) / "note.md").read_text(encoding="utf-8")
        charts = []
        for k, c in enumerate(res.charts):
            svg = Path(tmp, c.files["svg"]).read_text(encoding="utf-8") if "svg" in c.files else ""
            png = Path(tmp, c.files["png"]).read_bytes() if "png" in c.files else b""
            charts.append({"name": c.name, "title": c.title, "alt": c.alt, "svg": svg,
                           "png": png, "order": k, "file": c.files.get("png", "")})
    note = res.note
    assert note is not None
    roles = {s: wl.role(s) for s in run.bars}
    return Prepared(at, res.headline, md, run.document, charts, note_tags(note.used, roles),
                    session_close(run.document["data_through"] or at), dict(res.skipped))


def _published_at(close: dt.datetime, now: dt.datetime) -> dt.datetime:
    """A note about an old session (a backfill) is dated at that session's close; today's
    note at the moment it is published."""
    return close if now - close > dt.timedelta(days=1) else now


@transaction.atomic
def save_prepared(p: Prepared, *, draft: bool = False, force: bool = False,
                  now: dt.datetime | None = None) -> Post:
    """Create or update the post for ``p.asof`` (see the module docstring for the rules)."""
    now = now or timezone.now()
    date = dt.date.fromisoformat(p.asof)
    post = Post.objects.select_for_update().filter(date=date, kind=Kind.NOTE).first()
    if post is not None and post.edited and not force:
        raise EditedPostError(f"the post for {p.asof} was edited in the admin; publishing "
                              f"again would overwrite the edit, so it was left as it is "
                              f"(use --force to replace it)")
    if post is None:
        post = Post(date=date, slug=slugify(p.headline)[:100] or p.asof)
    post.headline = p.headline[:300]
    post.body_md = p.body_md
    post.findings = p.findings
    post.data_asof = p.data_asof
    post.edited = False
    if draft:
        post.status, post.published_at = Status.DRAFT, None
    else:
        if post.status != Status.PUBLISHED or post.published_at is None:
            post.published_at = _published_at(p.data_asof, now)
        post.status = Status.PUBLISHED
    post.save()
    keep = {c["name"] for c in p.charts}
    post.charts.exclude(name__in=keep).delete()
    for c in p.charts:
        Chart.objects.update_or_create(
            post=post, name=c["name"],
            defaults={"title": c["title"], "alt": c["alt"], "svg": c["svg"], "png": c["png"],
                      "order": c["order"], "section": c.get("section", "")})
    tags = []
    for slug, name, group in p.tags:
        tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name, "group": group})
        tags.append(tag)
    post.tags.set(tags)
    post.refresh_rendering()
    post.save(update_fields=["body_html", "body_text", "author_note_html", "summary",
                             "warnings"])
    return post


def publish_note(asof: str, *, data: Path | None = None, db: Path | None = None,
                 watchlist: Any = None, draft: bool = False, force: bool = False) -> Post:
    """Compose the note for ``asof`` and store it as a post (published unless ``draft``)."""
    return save_prepared(prepare(asof, data=data, db=db, watchlist=watchlist),
                         draft=draft, force=force)
