"""Posts for the page tests: real notes prepared once per session (engine, story, charts),
saved into each test's database; and small synthetic posts for the rules (drafts, schedule)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.text import slugify

REFERENCE = "2013-07-08"
EARLIER = "2013-07-05"


@pytest.fixture(scope="session")
def prepared(market_dir):
    """``prepared(asof)`` -> the Prepared note for a session (composed once per session)."""
    from tapereader.web.posts.publishing import prepare

    cache: dict = {}

    def get(asof: str):
        if asof not in cache:
            cache[asof] = prepare(asof, data=market_dir)
        return cache[asof]

    return get


@pytest.fixture
def reference_post(db, prepared):
    """The reference note (2013-07-08) published, with the session before it."""
    from tapereader.web.posts.publishing import save_prepared

    save_prepared(prepared(EARLIER))
    return save_prepared(prepared(REFERENCE))


def make_post(date: str, headline: str, *, status: str = "published", tags: tuple = (),
              published_at: dt.datetime | None = None, body: str | None = None):
    """A small synthetic post (no engine): for drafts, schedules, archives, related posts."""
    from tapereader.web.posts.models import Post, Tag

    d = dt.date.fromisoformat(date)
    if published_at is None and status == "published":
        published_at = timezone.now() - dt.timedelta(hours=1)
    p = Post.objects.create(
        date=d, slug=slugify(headline)[:60], headline=headline,
        body_md=body or f"## The day\n\nA quiet session on {date}.\n", status=status,
        published_at=published_at, findings={"findings": []})
    for t in tags:
        tag, _ = Tag.objects.get_or_create(slug=t, defaults={"name": t.upper(),
                                                             "group": "symbol"})
        p.tags.add(tag)
    p.refresh_rendering()
    p.save()
    return p
