"""The public pages, feeds, sitemap and robots.txt; drafts and future posts stay private."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils import timezone

from .conftest import make_post

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"
FEEDS = ("/feed/atom/", "/feed/rss/", "/tag/iwm/feed/atom/", "/tag/iwm/feed/rss/")


@pytest.fixture
def site_posts(db):
    """Three public posts (two share the iwm tag), a draft and a scheduled future post, all
    tagged iwm."""
    a = make_post("2013-07-03", "Small caps hold up", tags=("iwm", "qqq"))
    b = make_post("2013-07-05", "IWM breaks out", tags=("iwm",))
    c = make_post("2013-06-28", "Quarter ends", tags=("spy",))
    d = make_post("2013-07-08", "Secret draft headline", status="draft", tags=("iwm",))
    e = make_post("2013-07-09", "Future scheduled headline", status="scheduled", tags=("iwm",),
                  published_at=timezone.now() + dt.timedelta(days=1))
    return {"a": a, "b": b, "c": c, "draft": d, "future": e}


def test_home_shows_latest_and_earlier(client, site_posts):
    r = client.get("/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "IWM breaks out" in html.split("<aside")[0]  # the latest, in full
    assert "Small caps hold up" in html and "Quarter ends" in html


def test_post_page_and_watch_more(client, site_posts):
    b = site_posts["b"]
    r = client.get(b.get_absolute_url())
    html = r.content.decode()
    assert r.status_code == 200 and "IWM breaks out" in html
    related = html.split("Watch more", 1)[1]
    assert "Small caps hold up" in related  # shares iwm
    assert "Quarter ends" not in related  # shares nothing
    assert f'<link rel="canonical" href="{SITE}{b.get_absolute_url()}">' in html
    # a wrong slug redirects to the post's one URL
    wrong = client.get(b.get_absolute_url().replace("iwm-breaks-out", "old-slug"))
    assert wrong.status_code == 301 and wrong.headers["Location"] == b.get_absolute_url()


def test_archive_by_year_and_month(client, site_posts):
    r = client.get("/archive/")
    assert r.status_code == 200
    assert 'href="/2013/07/"' in r.content.decode() and 'href="/2013/06/"' in r.content.decode()
    july = client.get("/2013/07/").content.decode()
    assert "IWM breaks out" in july and "Small caps hold up" in july
    assert "Quarter ends" not in july
    assert "Quarter ends" in client.get("/2013/").content.decode()
    assert client.get("/2012/").status_code == 404
    assert client.get("/2013/13/").status_code == 404


def test_tag_page(client, site_posts):
    html = client.get("/tag/iwm/").content.decode()
    assert "IWM breaks out" in html and "Small caps hold up" in html
    assert "Quarter ends" not in html
    assert client.get("/tag/nothing/").status_code == 404


def test_a_draft_is_not_public_anywhere(client, site_posts):
    """Neither the draft nor the not-yet-due scheduled post shows on any public page."""
    secret = ("Secret draft headline", "Future scheduled headline")
    for p in (site_posts["draft"], site_posts["future"]):
        assert client.get(p.get_absolute_url()).status_code == 404
    pages = ["/", "/archive/", "/2013/", "/2013/07/", "/tag/iwm/", "/sitemap.xml", *FEEDS]
    for url in pages:
        r = client.get(url)
        assert r.status_code == 200, url
        body = r.content.decode()
        for s in secret:
            assert s not in body, (url, s)
        assert "/2013/07/08/" not in body and "/2013/07/09/" not in body, url
    assert client.get("/2013/07/08/secret-draft-headline/").status_code == 404


def test_a_scheduled_post_appears_when_due(client, site_posts):
    from tapereader.web.posts.models import Post

    e = site_posts["future"]
    assert client.get(e.get_absolute_url()).status_code == 404
    Post.objects.filter(pk=e.pk).update(published_at=timezone.now() - dt.timedelta(seconds=1))
    from tapereader.web.posts import pagecache

    pagecache.bump()  # .update() sends no signal; a real schedule is noticed by the due time
    assert client.get(e.get_absolute_url()).status_code == 200
    assert "Future scheduled headline" in client.get("/").content.decode()


def test_feeds_parse_with_absolute_urls_and_dates(client, site_posts):
    for url in FEEDS:
        r = client.get(url)
        assert r.status_code == 200, url
        feed = feedparser.parse(r.content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        titles = [e.title for e in feed.entries]
        want = (["IWM breaks out", "Small caps hold up"] if "tag" in url else
                ["IWM breaks out", "Small caps hold up", "Quarter ends"])
        assert titles == want, url
        for e in feed.entries:
            assert e.link.startswith(SITE + "/2013/"), e.link
            assert (e.get("published_parsed") or e.get("updated_parsed")) is not None
        assert feed.feed.link.startswith(SITE)


def test_sitemap_lists_every_published_post(client, site_posts):
    r = client.get("/sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {e.text for e in ET.fromstring(r.content).findall("s:url/s:loc", ns)}
    for k in ("a", "b", "c"):
        assert SITE + site_posts[k].get_absolute_url() in locs
    assert SITE + "/tag/iwm/" in locs and SITE + "/about/" in locs
    assert not any("/2013/07/08/" in u or "/2013/07/09/" in u for u in locs)


def test_robots_points_at_the_sitemap(client):
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {SITE}/sitemap.xml" in r.content.decode()
    assert "Disallow: /admin/" in r.content.decode()


@pytest.mark.parametrize("url,must", [
    ("/about/", ["How a note is written", "not investment advice"]),
    ("/terms/", ["Daily Trading Tips", "Msg &amp; data rates may apply", "HELP", "STOP",
                 "Message frequency", "never shared"]),
    ("/privacy/", ["never shared with or sold to third parties", "email address"]),
])
def test_legal_pages(client, url, must):
    html = client.get(url).content.decode()
    for m in must:
        assert m in html, (url, m)


def test_conditional_get_and_cache_invalidation(client, site_posts):
    b = site_posts["b"]
    r = client.get(b.get_absolute_url())
    etag, modified = r.headers["ETag"], r.headers["Last-Modified"]
    again = client.get(b.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    # an edit makes the cached page stale: a new ETag and the new text
    b.headline = "IWM breaks out, edited"
    b.save()
    r2 = client.get(b.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert r2.status_code == 200 and "IWM breaks out, edited" in r2.content.decode()
    assert r2.headers["ETag"] != etag and modified


def test_chart_files_only_for_public_posts(client, reference_post):
    from tapereader.web.posts.models import Post

    c = reference_post.charts.first()
    svg = client.get(c.url("svg"))
    assert svg.status_code == 200 and svg.headers["Content-Type"] == "image/svg+xml"
    assert "script-src" not in svg.headers["Content-Security-Policy"]
    png = client.get(c.url("png"))
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    assert client.get(c.url("png"), HTTP_IF_NONE_MATCH=png.headers["ETag"]).status_code == 304
    Post.objects.filter(pk=reference_post.pk).update(status="draft")
    assert client.get(c.url("png")).status_code == 404


def test_opengraph_card_uses_the_main_chart(client, reference_post):
    html = client.get(reference_post.get_absolute_url()).content.decode()
    first = reference_post.charts.filter(shown=True).first()
    assert f'<meta property="og:image" content="{SITE}{first.url("png")}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'<meta property="og:title" content="{reference_post.headline}">' in html
    assert "Data as of the close of July 8, 2013, 4:00 PM EDT" in html


def test_user_text_is_escaped(client, db):
    p = make_post("2013-07-10", "Headline <script>alert(1)</script>",
                  body='## Day\n\n<script>alert(2)</script> [x](javascript:alert(3))\n')
    p.author_note = '<img src=x onerror="alert(4)"> **mine**'
    p.refresh_rendering()
    p.save()
    html = client.get(p.get_absolute_url()).content.decode()
    inline_script = re.search(r"<script(?![^>]*\ssrc=)", html)  # scripts only by src
    assert not inline_script and "<img src=x" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)" in html and "<strong>mine</strong>" in html
