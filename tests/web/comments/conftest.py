"""Comment tests: a published post, valid form data, the XSS corpus."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

CORPUS = Path(__file__).with_name("xss_payloads.json")


def payloads() -> list[str]:
    return [row["payload"] for row in json.loads(CORPUS.read_text(encoding="utf-8"))]


@pytest.fixture(scope="session")
def xss_payloads() -> list[str]:
    return payloads()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages do not leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_post(day: int = 8, **kw):
    from django.utils import timezone

    from tapereader.web.posts.models import Post, Status

    fields = dict(date=dt.date(2013, 7, day), slug="small-caps-lead",
                  headline="Small caps lead", body_md="# Small caps lead\n",
                  body_html="<p>Small caps lead the rally.</p>", status=Status.PUBLISHED,
                  published_at=timezone.now() - dt.timedelta(hours=1))
    fields.update(kw)
    return Post.objects.create(**fields)


@pytest.fixture
def post(db):
    return make_post()


def form_data(post, *, age: float = 30.0, **kw) -> dict:
    """What a person's browser posts: every field, a form loaded ``age`` seconds ago."""
    from tapereader.web.comments.tokens import form_token

    data = {"name": "Ann Reader", "email": "ann@example.com", "website": "",
            "comment": "IWM looks stretched after nine up days.", "notify": "",
            "parent": "", "homepage": "", "ts": form_token(post.pk, now=time.time() - age)}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def post_url(post) -> str:
    from django.urls import reverse

    return reverse("comments:post", args=[post.pk])


def approve_email(post, email: str, name: str = "Ann Reader"):
    """A public comment from ``email`` (the author approved one before)."""
    from tapereader.web.comments.models import Comment, Commenter
    from tapereader.web.comments.rules import body_hash

    who, _ = Commenter.objects.get_or_create(email=email)
    text = f"An earlier approved comment by {name}."
    return Comment.objects.create(post=post, commenter=who, name=name, body=text,
                                  body_hash=body_hash(text), status=Comment.Status.PUBLIC)
