"""axe-core on the subscription box and pages: no serious or critical violation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def test_box_and_pages_pass_axe(browser, live_server, wired):
    from tapereader.web.posts.models import Post, Status

    post = Post.objects.create(date=dt.date(2013, 7, 8), slug="small-caps-lead",
                               headline="Small caps lead", body_md="# Small caps lead\n",
                               body_html="<p>Small caps lead the rally.</p>",
                               status=Status.PUBLISHED,
                               published_at=timezone.now() - dt.timedelta(minutes=1))
    page = browser.new_page()
    for path in (post.get_absolute_url(), "/subscribe/"):
        page.goto(live_server.url + path)
        assert serious(page) == [], path
    page.click(".subscribe-form button[type=submit]")   # errors shown next to the fields
    page.wait_for_selector("#email-error")
    assert serious(page) == []
    page.close()
