"""The email never appears in public: every page reachable from the home page, the feeds,
the sitemap and the comment's own JSON answer are searched for it. IPs are truncated after
30 days; a commenter can delete their comments with the signed link."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from tapereader.web.comments.models import Comment, Commenter
from tapereader.web.comments.posting import approve, forget
from tapereader.web.comments.privacy import truncate_old_ips

from .conftest import approve_email, form_data, post_url

pytestmark = pytest.mark.django_db
SECRET = "very.private+tag@example.org"
FIXED = ["/", "/archive/", "/feed/atom/", "/feed/rss/", "/sitemap.xml", "/robots.txt",
         "/about/", "/terms/", "/privacy/"]


def crawl(client, start: list[str], limit: int = 300) -> dict[str, bytes]:
    """Every same-site page reachable by href/src from ``start`` (bounded)."""
    client.raise_request_exception = False  # a broken page is still searched
    seen: dict[str, bytes] = {}
    todo = list(start)
    while todo and len(seen) < limit:
        url = urldefrag(todo.pop())[0]
        if url in seen or not url.startswith("/") or url.startswith("/admin/"):
            continue
        r = client.get(url)
        body = seen[url] = b"".join(r.streaming_content) if r.streaming else r.content
        if r.status_code != 200 or b"<" not in body:
            continue
        for m in re.finditer(rb'(?:href|src)="([^"]+)"', body):
            link = m.group(1).decode().replace("&amp;", "&")
            parts = urlsplit(link)
            if parts.netloc in ("", "127.0.0.1:8000", "testserver"):
                todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def test_email_appears_in_no_public_response(client, post) -> None:
    # the commenter is approved, comments, replies, is replied to, asked for mail
    top = approve_email(post, SECRET, name="Private Person")
    r = client.post(post_url(post), form_data(post, email=SECRET, name="Private Person",
                                              notify="on", website="https://pp.example/",
                                              comment="Public text, private address."),
                    headers={"Accept": "application/json"})
    assert r.json()["status"] == "public"
    assert SECRET.encode() not in r.content
    client.post(post_url(post), form_data(post, email="other@example.com", parent=str(top.pk),
                                          comment="A reply to the private person."))
    approve(Comment.objects.latest("id"))
    pages = crawl(client, [*FIXED, post.get_absolute_url(),
                           post.get_absolute_url() + f"?replytocom={top.pk}"])
    assert post.get_absolute_url() in pages and "/feed/atom/" in pages
    assert b"Public text, private address." in pages[post.get_absolute_url()]
    assert len(pages) >= 10
    for url, body in pages.items():
        low = body.lower()
        for needle in (SECRET.encode(), b"very.private", b"other@example.com"):
            assert needle not in low, (url, needle)
        assert b"%40example.org" not in low and b"&#64;example.org" not in low, url


def test_ips_are_truncated_after_30_days(post) -> None:
    who = Commenter.objects.create(email="a@example.com")
    now = timezone.now()
    mk = lambda ip, days: Comment.objects.create(  # noqa: E731
        post=post, commenter=who, name="A", body=f"{ip} {days}", ip=ip,
        created=now - dt.timedelta(days=days))
    old4, old6, new4 = mk("203.0.113.77", 31), mk("2001:db8:1:2::9", 45), mk("198.51.100.5", 29)
    assert truncate_old_ips(now=now) == 2
    for c in (old4, old6, new4):
        c.refresh_from_db()
    assert (old4.ip, old6.ip, new4.ip) == ("203.0.113.0", "2001:db8:1::", "198.51.100.5")
    assert old4.ip_truncated and not new4.ip_truncated
    assert truncate_old_ips(now=now) == 0  # once
    mk("192.0.2.200", 40)
    call_command("comments_truncate_ips")
    assert Comment.objects.get(body="192.0.2.200 40").ip == "192.0.2.0"


def test_forget_deletes_my_comments_and_keeps_others_replies(client, post) -> None:
    from tapereader.web.comments.mail import forget_url

    mine = approve_email(post, "me@example.com", "Me")
    other = approve_email(post, "you@example.com", "You")
    Comment.objects.filter(pk=other.pk).update(parent=mine)
    who = Commenter.objects.get(email="me@example.com")
    url = forget_url(who.pk)
    path = urlsplit(url).path
    assert "Delete your comments?" in client.get(path).content.decode()
    r = client.post(path)
    assert "Your comments are deleted" in r.content.decode()
    assert not Commenter.objects.filter(email="me@example.com").exists()
    assert list(Comment.objects.values_list("pk", "parent_id")) == [(other.pk, None)]
    assert client.get(path).status_code == 404
    assert client.get(path[:-3] + "xx/").status_code == 404
    assert forget(Commenter.objects.get(email="you@example.com")) == 1


def test_cached_post_page_shows_a_new_comment(client, post) -> None:
    approve_email(post, "ann@example.com")
    client.get(post.get_absolute_url())  # now cached
    client.post(post_url(post), form_data(post, comment="Fresh after the cache."))
    assert b"Fresh after the cache." in client.get(post.get_absolute_url()).content
