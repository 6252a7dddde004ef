"""The post's message serialized once and filled in per subscriber (the fast path) is the
same message as the one Django's mail classes build for that subscriber: the same headers,
the same parts, the same decoded bodies and images; it falls back to Django's path where
plain bytes cannot carry a value (a non-ASCII address)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest

from tapereader.web.delivery.claim import claim
from tapereader.web.delivery.mail import RawEmail, build_message
from tapereader.web.delivery.outbox import enqueue
from tapereader.web.delivery.worker import Worker, WorkerConfig

pytestmark = pytest.mark.django_db

HEADERS = ("From", "To", "Subject", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post",
           "Precedence", "Auto-Submitted", "MIME-Version")


def parsed(msg) -> email.message.EmailMessage:
    raw = msg.message().as_bytes(linesep="\r\n")
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    return email.message_from_bytes(raw, policy=email.policy.default)


def shape(m: email.message.EmailMessage) -> list:
    out = []
    for part in m.walk():
        ct = part.get_content_type()
        if part.is_multipart():
            out.append(ct)
        elif ct.startswith("text/"):
            out.append((ct, part.get_content()))
        else:
            out.append((ct, part.get_content(), str(part["Content-ID"]),
                        part.get_filename()))
    return out


def both(post, settings, *, headline: str | None = None, long_lines: bool = False,
         subs=None):
    from tapereader.web.subscribers import tokens

    if headline:
        post.headline = headline
        post.save()
    if long_lines:  # a paragraph longer than a mail line may be: quoted-printable
        post.body_md += "\n" + "Breadth widened " * 90 + "\n"
        post.refresh_rendering()
        post.save()
    enqueue(post, ["email"], subscribers=subs)
    _, rows = claim(["email"], limit=10, lease=dt.timedelta(seconds=60))
    w = Worker(WorkerConfig(channels=("email",)))
    fast = w.build_email(rows[0])
    sub = rows[0].subscriber
    slow = build_message(w.post_mail(post), to=sub.email, message_id=rows[0].message_id,
                         unsubscribe_url=tokens.unsubscribe_url(sub, "email"),
                         preferences_url=tokens.preferences_url(sub))
    slow.extra_headers["Message-ID"] = rows[0].message_id
    return fast, slow


@pytest.mark.parametrize("headline,long_lines", [
    (None, False),
    ("Small caps lead — the Russell 2000 at a record, “again”", True),
])
def test_the_template_gives_the_same_message(post, subscribers, channels, settings,
                                              headline, long_lines):
    subscribers(1, ("email",))
    fast, slow = both(post, settings, headline=headline, long_lines=long_lines)
    assert isinstance(fast, RawEmail)  # the fast path was taken
    f, s = parsed(fast), parsed(slow)
    for h in HEADERS:
        assert " ".join(str(f[h]).split()) == " ".join(str(s[h]).split()), h
    assert f["Date"] and f.get_content_type() == "multipart/related"
    assert shape(f) == shape(s)
    html = f.get_body(("html",)).get_content()
    assert "/subscribe/unsubscribe/" in html and "@@tr-" not in fast.raw.decode("utf-8")
    if long_lines:
        assert b"Content-Transfer-Encoding: quoted-printable" in fast.raw
        assert "Breadth widened " * 90 in f.get_body(("plain",)).get_content().replace(
            "\n", " ") or "Breadth widened" in html


def test_a_non_ascii_address_takes_django_s_path(post, subscribers, channels, settings):
    (sub,) = subscribers(1, ("email",))
    sub.email = "jürgen@example.org"
    sub.save()
    fast, _ = both(post, settings, subs=[sub])
    assert not isinstance(fast, RawEmail)
    assert str(parsed(fast)["To"]) == "jürgen@example.org"  # as Django encodes it
