"""Comment-reply mails through the delivery outbox: a reply enqueues one row, a worker sends
it once to the real SMTP sink (aiosmtpd), a crash after the send does not send it twice on a
backend that can be asked, consent (the box, the unsubscribe, the address's bounces) is
checked at send time, failures retry or stop like a post's mail."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest

from tapereader.web.delivery import states
from tapereader.web.delivery.claim import claim
from tapereader.web.delivery.models import Delivery
from tapereader.web.delivery.worker import Worker, WorkerConfig
from tests.web.delivery.conftest import expire

pytestmark = pytest.mark.django_db


@pytest.fixture
def later(settings, channels):
    """Reply mails left to the worker (no attempt at commit time)."""
    settings.TAPEREADER_REPLY_MAIL_AT_ONCE = False
    return channels


def thread(post, *, notify: bool = True, parent_email: str = "ann@example.com"):
    """Ann's comment (box ticked or not) and Bob's public reply to it."""
    from tapereader.web.comments.models import Comment, Commenter
    from tapereader.web.comments.rules import body_hash

    ann, _ = Commenter.objects.get_or_create(email=parent_email)
    bob, _ = Commenter.objects.get_or_create(email="bob@example.com")
    parent = Comment.objects.create(post=post, commenter=ann, name="Ann", body="Real top?",
                                    body_hash=body_hash("Real top?"), notify=notify,
                                    status=Comment.Status.PUBLIC)
    reply = Comment.objects.create(post=post, parent=parent, commenter=bob, name="Bob",
                                   body="No, *retest* first.", body_hash=body_hash("x"),
                                   status=Comment.Status.PUBLIC)
    return parent, reply


def work() -> Worker:
    w = Worker(WorkerConfig(channels=("email",)))
    w.run(until_empty=True)
    return w


def mid(rec) -> str:
    msg = email.message_from_bytes(rec.raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
    return "".join(str(msg["Message-ID"]).split())


def test_a_reply_enqueues_one_row_and_the_worker_sends_it_once(post, later):
    from tapereader.web.comments.mail import notify_reply

    sink, _ = later
    parent, reply = thread(post)
    assert notify_reply(reply) is True
    assert notify_reply(reply) is False  # once: the outbox's unique constraint
    row = Delivery.objects.get()
    assert (row.comment_id, row.commenter_id, row.channel) == (reply.pk, parent.commenter_id,
                                                                "email")
    assert row.state == states.QUEUED and row.post_id is None and row.subscriber_id is None
    assert sink.received == []  # nothing sent at enqueue
    w = work()
    assert w.stats["sent"] == 1
    (rec,) = sink.received
    assert rec.rcpt_tos == ("ann@example.com",) and mid(rec) == row.message_id
    assert f"comment-reply.{reply.pk}@" in row.message_id
    row.refresh_from_db()
    assert row.state == states.SENT and row.address == "ann@example.com"
    reply.refresh_from_db()
    assert reply.reply_mail_sent_at is not None
    assert work().stats["sent"] == 0 and len(sink.received) == 1  # a second pass: nothing


def test_sent_at_once_when_the_comment_commits(post, channels, django_capture_on_commit_callbacks):
    from tapereader.web.comments.mail import notify_reply

    sink, _ = channels
    _, reply = thread(post)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_reply(reply)
        assert sink.received == []  # not before the commit
    assert [r.rcpt_tos for r in sink.received] == [("ann@example.com",)]
    assert Delivery.objects.get().state == states.SENT


def test_no_row_without_the_box_and_nothing_sent_after_unsubscribing(post, later):
    from django.utils import timezone

    from tapereader.web.comments.mail import notify_reply
    from tapereader.web.comments.models import Commenter

    sink, _ = later
    _, reply = thread(post, notify=False)
    assert notify_reply(reply) is False and not Delivery.objects.exists()
    # ticked at enqueue, unsubscribed before the worker ran: consent is checked at send time
    _, reply2 = thread(post, parent_email="cat@example.com")
    assert notify_reply(reply2)
    Commenter.objects.filter(email="cat@example.com").update(
        replies_unsubscribed_at=timezone.now())
    work()
    assert sink.received == []
    assert Delivery.objects.get().state == states.SUPPRESSED


def test_a_bounced_address_or_a_deleted_commenter_gets_nothing(post, later):
    from tapereader.web.comments.mail import notify_reply
    from tapereader.web.comments.models import Commenter
    from tapereader.web.comments.posting import forget
    from tapereader.web.subscribers import ledger

    sink, _ = later
    _, reply = thread(post)
    notify_reply(reply)
    ledger.record(None, "email", "bounced", source="provider", address="ANN@example.com")
    _, reply2 = thread(post, parent_email="dan@example.com")
    notify_reply(reply2)
    forget(Commenter.objects.get(email="dan@example.com"))  # their data, and the row, go
    work()
    assert sink.received == []
    assert list(Delivery.objects.values_list("state", flat=True)) == [states.SUPPRESSED]


def test_a_crash_after_the_send_is_recovered_without_a_second_mail(post, settings, tmp_path):
    """On the .eml folder the recovery can look the Message-ID up: exactly once. (Over SMTP
    the recovery re-sends with the same Message-ID: the window of docs/delivery.md.)"""
    from tapereader.web.comments.mail import notify_reply

    settings.TAPEREADER_EMAIL_URL = f"file://{tmp_path}"
    settings.TAPEREADER_REPLY_MAIL_AT_ONCE = False
    _, reply = thread(post)
    notify_reply(reply)
    _, rows = claim(["email"], limit=10, lease=dt.timedelta(seconds=60))
    w = Worker(WorkerConfig(channels=("email",)))
    w._send_email(rows[0])  # the provider took it, then the worker was killed
    expire(rows)
    work()
    assert len(list(tmp_path.glob("*.eml"))) == 1
    row = Delivery.objects.get()
    assert row.state == states.SENT and "found by Message-ID" in row.recovery


def test_smtp_failures_retry_then_a_hard_bounce_suppresses(post, later):
    from tapereader.web.comments.mail import notify_reply
    from tapereader.web.subscribers.consent import address_stopped

    sink, _ = later
    _, reply = thread(post)
    notify_reply(reply)
    sink.reject("ann@example.com", 451, "4.2.0 try later")
    work()
    row = Delivery.objects.get()
    assert row.state == states.QUEUED and "451" in row.reason and row.not_before > row.created
    sink.reject("ann@example.com", 550, "5.1.1 No such user")
    Delivery.objects.update(not_before=dt.datetime.now(dt.UTC))
    work()
    row.refresh_from_db()
    assert row.state == states.FAILED and "550" in row.reason and sink.received == []
    assert address_stopped("email", "ann@example.com")
