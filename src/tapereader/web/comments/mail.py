"""Mails of the comment app. A reply to those who asked for it goes through the delivery
outbox (one row per reply, claimed with a lease, consent checked again at send time, retried,
recovered after a crash: docs/delivery.md), with RFC 8058 one-click unsubscribe; the author's
notice of comments waiting for moderation goes straight through the email channel."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .conf import comment_settings
from .models import Comment
from .sanitizer import excerpt, render_comment
from .tokens import commenter_token

log = logging.getLogger(__name__)


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def absolute(path: str) -> str:
    return site_url() + path


def send(msg: EmailMultiAlternatives, key: str) -> str:
    """Send through the email channel; ``key`` makes a stable Message-ID (a retry of the
    same mail is the same message)."""
    from ..delivery.email import EmailChannel

    with EmailChannel() as channel:
        return channel.send(msg, message_id=key)


def unsubscribe_url(commenter_id: int) -> str:
    return absolute(reverse("comments:unsubscribe",
                            args=[commenter_token(commenter_id, "unsubscribe")]))


def forget_url(commenter_id: int) -> str:
    return absolute(reverse("comments:forget", args=[commenter_token(commenter_id, "forget")]))


def wants_reply_mail(reply: Comment) -> bool:
    """Send only for a public reply to a comment whose author ticked the box and has not
    unsubscribed since (checked now, at send time), and not to oneself."""
    parent = reply.parent
    if reply.status != Comment.Status.PUBLIC or parent is None or not parent.notify:
        return False
    who = parent.commenter
    if who is None or who.replies_unsubscribed_at is not None:
        return False
    return reply.commenter_id != who.pk


def reply_may_send(reply_id: int, commenter_id: int) -> bool:
    """The delivery worker's check just before sending a reply mail, on fresh rows: the reply
    is still public and still answers this commenter's comment, the box is still ticked, they
    have not unsubscribed, and their address has not bounced or complained since."""
    reply = (Comment.objects.select_related("parent__commenter")
             .filter(pk=reply_id).first())
    if reply is None or not wants_reply_mail(reply):
        return False
    assert reply.parent is not None and reply.parent.commenter is not None
    who = reply.parent.commenter
    if who.pk != commenter_id:
        return False  # the comment answered was deleted: the reply moved up to another
    from ..subscribers.consent import address_stopped

    return not address_stopped("email", who.email)


def reply_message(reply: Comment) -> EmailMultiAlternatives:
    parent = reply.parent
    assert parent is not None and parent.commenter is not None
    who = parent.commenter
    ctx = {"reply": reply, "parent": parent, "post": reply.post,
           "reply_html": render_comment(reply.body), "parent_excerpt": excerpt(parent.body, 200),
           "comment_url": absolute(reply.get_absolute_url()),
           "unsubscribe_url": unsubscribe_url(who.pk), "forget_url": forget_url(who.pk)}
    msg = EmailMultiAlternatives(
        subject=f"New reply to your comment on {excerpt(reply.post.headline, 120)}",
        body=render_to_string("comments/mail/reply.txt", ctx), to=[who.email],
        headers={"List-Unsubscribe": f"<{ctx['unsubscribe_url']}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "Auto-Submitted": "auto-generated"})
    msg.attach_alternative(render_to_string("comments/mail/reply.html", ctx), "text/html")
    return msg


def reply_message_for(reply_id: int) -> EmailMultiAlternatives:
    """The reply mail as it is sent (the worker builds it at send time from fresh rows)."""
    return reply_message(Comment.objects.select_related("parent__commenter", "post")
                         .get(pk=reply_id))


def mark_told(reply_id: int) -> None:
    """Record on the reply when its mail went out (shown in the admin)."""
    Comment.objects.filter(pk=reply_id, reply_mail_sent_at__isnull=True).update(
        reply_mail_sent_at=timezone.now())


def notify_reply(reply: Comment) -> bool:
    """Put the mail telling the parent's author of ``reply`` in the delivery outbox, once
    (the outbox's unique constraint makes a second call, or a concurrent one, enqueue
    nothing), and try it as soon as the transaction commits (TAPEREADER_REPLY_MAIL_AT_ONCE;
    otherwise, or when that attempt fails, ``tapereader worker`` sends it). True if it was
    enqueued now."""
    from ..delivery.outbox import enqueue_reply

    reply = Comment.objects.select_related("parent__commenter", "post").get(pk=reply.pk)
    if not wants_reply_mail(reply):
        return False
    assert reply.parent is not None
    row = enqueue_reply(reply, reply.parent.commenter)
    if row is None:
        return False
    if getattr(settings, "TAPEREADER_REPLY_MAIL_AT_ONCE", True):
        from django.db import transaction

        from ..delivery.worker import deliver_now

        pk = row.pk
        transaction.on_commit(lambda: deliver_now([pk]), robust=True)
    return True


def author_addresses() -> list[str]:
    configured = getattr(settings, "TAPEREADER_COMMENTS_AUTHOR_EMAILS", None)
    if configured:
        return list(configured)
    users = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    return sorted({u.email for u in users})


def tell_author_waiting() -> bool:
    """Mail the author that comments wait for moderation, at most once every
    AUTHOR_MAIL_EVERY seconds (a flood of held comments makes one mail)."""
    to = author_addresses()
    if not to or not cache.add("comments:author-mail", 1, comment_settings().author_mail_every):
        return False
    held = Comment.objects.held()
    ctx = {"count": held.count(), "newest": held.order_by("-created").first(),
           "queue_url": absolute(reverse("admin:comments_heldcomment_changelist"))}
    try:
        send(EmailMultiAlternatives(
            subject=f"{ctx['count']} comment(s) waiting for moderation",
            body=render_to_string("comments/mail/waiting.txt", ctx), to=to,
            headers={"Auto-Submitted": "auto-generated"}),
            f"comments-waiting.{timezone.now():%Y%m%d%H%M%S%f}")
    except Exception:
        cache.delete("comments:author-mail")
        log.exception("moderation notice not sent")
        return False
    return True
