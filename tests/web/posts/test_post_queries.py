"""The post page's cost, bounded so it cannot regress: the number of queries of a fresh
render (the same with or without a thread of comments), none for a page served from the
cache, and the cached page still gives each reader their own CSRF token and form time,
with the same Content-Security-Policy as django-csp builds."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

MAX_QUERIES = 9  # post, tags, charts, newer, older, related, comments, two disclosures


def comment_thread(post, n: int = 6) -> None:
    from tapereader.web.comments.models import Comment, Commenter
    from tapereader.web.comments.rules import body_hash

    top = None
    for i in range(n):
        who, _ = Commenter.objects.get_or_create(email=f"c{i}@example.com")
        c = Comment.objects.create(post=post, commenter=who, name=f"Reader {i}",
                                   body=f"Point {i}", body_hash=body_hash(f"Point {i}"),
                                   status=Comment.Status.PUBLIC,
                                   parent=top if i % 2 else None)
        top = c if i % 2 == 0 else top


def fresh_render(client, url: str, django_assert_max_num_queries) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as q, \
            django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(url).status_code == 200
    return len(q.captured_queries)


def test_post_page_queries_are_bounded(reference_post, django_assert_max_num_queries,
                                       django_assert_num_queries):
    url = reference_post.get_absolute_url()
    Client().get(url)  # the first page ever stores the disclosure texts (two inserts, once)
    bare = fresh_render(Client(), url, django_assert_max_num_queries)
    comment_thread(reference_post)
    with_thread = fresh_render(Client(), url, django_assert_max_num_queries)
    assert with_thread == bare  # the thread is one query, whatever its size
    page = Client().get(url).content.decode()
    assert page.count('class="comment') >= 6
    with django_assert_num_queries(0):  # from the page cache
        assert Client().get(url).status_code == 200


def test_cached_page_has_each_reader_s_own_token_and_the_csp(reference_post, settings):
    import datetime as dt

    from csp.utils import build_policy
    from django.utils import timezone

    reference_post.published_at = timezone.now() - dt.timedelta(hours=1)  # comments open
    reference_post.save()
    url = reference_post.get_absolute_url()
    Client().get(url)  # cached now
    tokens, stamps = set(), set()
    for _ in range(3):
        r = Client().get(url)
        html = r.content.decode()
        mine = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert len(mine) == 2 and len(set(mine)) == 1  # the comment and subscribe forms
        tokens |= set(mine)
        stamps |= set(re.findall(r'name="ts"[^>]* value="([^"]+)"', html))
        assert "placeholder" not in html
        assert r["Content-Security-Policy"] == build_policy()
        assert "nonce" not in r["Content-Security-Policy"]
    assert len(tokens) == 3  # each reader their own token
    assert len(stamps) >= 1  # the comment form's signed load time, put in per response


def test_a_per_view_policy_or_a_nonce_still_goes_through_django_csp(settings):
    from csp.constants import NONCE
    from csp.decorators import csp_update
    from django.http import HttpResponse
    from django.test import RequestFactory

    from tapereader.web.csp import CachedCSPMiddleware

    @csp_update({"img-src": ["https://charts.example.org"]})
    def updated(request):
        return HttpResponse("x")

    def with_nonce(request):
        return HttpResponse(str(request.csp_nonce))

    def plain(request):
        return HttpResponse("x")

    rf = RequestFactory()
    for view, check in ((updated, lambda h, b: "https://charts.example.org" in h),
                        (with_nonce, lambda h, b: f"'nonce-{b}'" in h),
                        (plain, lambda h, b: "nonce" not in h and "charts" not in h)):
        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "script-src": ["'self'", NONCE]}}
        mw = CachedCSPMiddleware(view)
        request = rf.get("/")
        response = mw(request)
        assert check(response["Content-Security-Policy"], response.content.decode()), view
