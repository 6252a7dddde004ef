"""Alerts are posts too (Post.kind = "alert") and share the session's date with its note:
one note per session, each post of a date with its own slug, both pages served."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from tests.web.delivery.killhelper import make_post

pytestmark = pytest.mark.django_db


def test_an_alert_shares_the_notes_date(db):
    from tapereader.web.posts.models import Post

    note = make_post()
    alert = Post(date=note.date, kind="alert", slug="alert-gspc-bearish-reversal",
                 headline="S&P 500: a one-day bearish reversal", body_md="**Alert.**",
                 status=note.status, published_at=note.published_at)
    alert.refresh_rendering()
    alert.save()
    c = Client()
    assert c.get(note.get_absolute_url()).status_code == 200
    page = c.get(alert.get_absolute_url())
    assert page.status_code == 200 and "bearish reversal" in page.content.decode()
    old = note.get_absolute_url().replace(note.slug, "an-old-slug")
    resp = c.get(old)
    assert resp.status_code == 301 and resp["Location"] == note.get_absolute_url()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(date=note.date, kind="note", slug="second-note", headline="x",
                            body_md="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(date=note.date, kind="alert", slug=alert.slug, headline="x",
                            body_md="x")
