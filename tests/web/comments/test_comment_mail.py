"""Reply notifications through a real SMTP server (aiosmtpd on 127.0.0.1): exactly one mail
to the parent's author, RFC 8058 headers, working unsubscribe and delete links; the author's
notice of comments waiting."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from django.test import Client

from tapereader.web.comments.models import Comment, Commenter
from tapereader.web.comments.posting import approve, author_reply
from tests.web.fakes.smtp_sink import smtp_sink  # noqa: F401

from .conftest import approve_email, form_data, post_url

pytestmark = pytest.mark.django_db(transaction=True)  # reply mails are sent on commit


@pytest.fixture
def smtp(settings, smtp_sink):  # noqa: F811
    settings.TAPEREADER_EMAIL_URL = smtp_sink.url  # the site's email channel, over SMTP
    settings.TAPEREADER_COMMENTS_AUTHOR_EMAILS = ["author@example.net"]
    return smtp_sink


def _parent(client, post, notify: bool = True, text: str = "Is the 1650 resistance real?"
            ) -> Comment:
    approve_email(post, "ann@example.com")
    client.post(post_url(post), form_data(post, notify="on" if notify else "", comment=text))
    return Comment.objects.latest("id")


def _reply(client, post, parent: Comment, email: str = "bob@example.com") -> Comment:
    approve_email(post, email, "Bob")
    client.post(post_url(post), form_data(post, parent=str(parent.pk), email=email, name="Bob",
                                          comment="Yes, *twice* tested."))
    return Comment.objects.latest("id")


def _link(text: str, path: str) -> str:
    return re.search(r"https?://[^\s\"<>]+" + path + r"[^\s\"<>]+", text).group(0)


def test_a_reply_sends_exactly_one_mail_to_the_parent_author(client, post, smtp) -> None:
    parent = _parent(client, post)
    assert parent.status == Comment.Status.PUBLIC
    reply = _reply(client, post, parent)
    assert reply.status == Comment.Status.PUBLIC
    smtp.wait_for(1)
    approve(reply)  # approving again, or any second pass, sends nothing more
    from tapereader.web.comments.mail import notify_reply

    assert notify_reply(reply) is False
    msgs = smtp.to("ann@example.com")
    assert len(msgs) == 1 and len(smtp.received) == 1
    msg = msgs[0]
    assert msg["To"] == "ann@example.com"
    mid = msg["Message-ID"]
    assert f"comment-reply.{reply.pk}@" in mid and "@localhost" not in mid
    assert "bob@example.com" not in msg.as_string()
    unsub = msg["List-Unsubscribe"].strip()
    assert re.fullmatch(r"<https?://[^>]+/comments/unsubscribe/[^>]+/>", unsub)
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Yes, *twice* tested." in text and "<em>twice</em>" in html
    assert unsub[1:-1] in text and unsub[1:-1].replace("&", "&amp;") in html

    # RFC 8058 one-click: a POST without a CSRF token, from the mail client
    path = urllib.parse.urlsplit(unsub[1:-1]).path
    r = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200 and "Unsubscribed" in r.content.decode()
    assert Commenter.objects.get(email="ann@example.com").replies_unsubscribed_at is not None
    # consent is checked at send time: another reply sends nothing now
    smtp.clear()
    client.post(post_url(post), form_data(post, parent=str(parent.pk), email="bob@example.com",
                                          name="Bob", comment="And a third time."))
    assert Comment.objects.latest("id").status == Comment.Status.PUBLIC
    assert smtp.received == []

    # the delete link in the same mail works
    forget = _link(text, "/comments/forget/")
    r = client.post(urllib.parse.urlsplit(forget).path)
    assert "Your comments are deleted" in r.content.decode()
    assert not Comment.objects.filter(commenter__email="ann@example.com").exists()


def test_no_mail_without_the_box_ticked_or_to_oneself(client, post, smtp) -> None:
    parent = _parent(client, post, notify=False)
    _reply(client, post, parent)
    own = _parent(client, post, text="Another question of mine.")
    client.post(post_url(post), form_data(post, parent=str(own.pk), comment="Replying to me."))
    assert Comment.objects.latest("id").status == Comment.Status.PUBLIC
    assert smtp.received == []


def test_a_held_reply_mails_when_approved(client, post, smtp) -> None:
    parent = _parent(client, post)
    client.post(post_url(post), form_data(post, parent=str(parent.pk), email="new@example.com",
                                          comment="First time here."))
    held = Comment.objects.latest("id")
    assert held.status == Comment.Status.HELD
    notices = smtp.wait_for(1)  # only the author's notice so far
    assert notices[0]["To"] == "author@example.net" and "waiting" in notices[0]["Subject"]
    assert "new@example.com" not in notices[0].as_string()
    smtp.clear()
    approve(held)
    smtp.wait_for(1)
    assert [m["To"] for m in smtp.messages] == ["ann@example.com"]


def test_the_author_reply_from_the_admin_mails_the_commenter(client, post, smtp) -> None:
    parent = _parent(client, post)
    author_reply(parent, "Thanks, see the weekly chart.", "The Author")
    smtp.wait_for(1)
    assert [m["To"] for m in smtp.messages] == ["ann@example.com"]


def test_the_author_is_told_once_of_a_flood_of_held_comments(client, post, smtp) -> None:
    for i in range(4):
        client.post(post_url(post), form_data(post, email=f"n{i}@example.com",
                                              comment=f"New person {i}."))
    smtp.wait_for(1)
    assert len(smtp.received) == 1
    assert "4 comment(s) waiting" in smtp.messages[0]["Subject"] or \
        "1 comment(s) waiting" in smtp.messages[0]["Subject"]
