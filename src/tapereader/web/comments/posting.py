"""Taking a comment in: rate limits, spam rules, the moderation decision, then the mails."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .conf import comment_settings
from .models import BLOCK_EMAIL, BLOCK_IP, Block, Comment, Commenter
from .moderation import PUBLIC, comments_open, decide, reply_parent
from .rules import Submission, body_hash, check, over_rate_limit


class Refused(Exception):
    """The comment is not taken (``status`` is the HTTP status to answer with)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Outcome:
    comment: Comment
    status: str  # the comment's status: public, held or spam


def post_is_open(post, now: dt.datetime | None = None) -> bool:
    return post.is_public and comments_open(post.published_at, now or timezone.now(),
                                            comment_settings().open_days)


def ancestors(comment: Comment) -> list[int]:
    out: list[int] = []
    c: Comment | None = comment
    while c is not None and len(out) < 10:
        out.append(c.pk)
        c = c.parent
    return out


def find_duplicate(digest: str, days: int) -> int | None:
    since = timezone.now() - dt.timedelta(days=days)
    return (Comment.objects.filter(body_hash=digest, created__gte=since)
            .values_list("pk", flat=True).first())


def is_blocked(kind: str, value: str | None) -> bool:
    return bool(value) and Block.objects.filter(kind=kind, value=value).exists()


def submit(post, data: dict, ip: str | None, *, now: float | None = None) -> Outcome:
    """Take one cleaned form (``data``) for ``post`` from ``ip``; raise Refused when the
    post is closed, the parent is not a public comment of this post, or a limit is hit."""
    conf = comment_settings()
    if not post_is_open(post):
        raise Refused("Comments are closed on this post.", 403)
    parent = None
    if data.get("parent"):
        parent = (Comment.objects.public().filter(post=post, pk=data["parent"])
                  .select_related("parent__parent").first())
        if parent is None:
            raise Refused("The comment you reply to is not on this post.", 400)
        parent = Comment.objects.get(pk=reply_parent(ancestors(parent)))
    sub = Submission(post_id=post.pk, name=data["name"], email=data["email"],
                     website=data.get("website", ""), body=data["comment"], ip=ip,
                     honeypot=data.get("homepage", ""), form_token=data.get("ts", ""))
    limit = over_rate_limit(cache, sub, conf)
    if limit:
        raise Refused(f"Too many comments: {limit}. Please wait a few minutes.", 429)
    reasons = check(sub, now=time.time() if now is None else now, conf=conf,
                    find_duplicate=lambda h: find_duplicate(h, conf.duplicate_days))
    with transaction.atomic():
        commenter, _ = Commenter.objects.get_or_create(email=sub.email)
        decision = decide(reasons, email_approved=commenter.approved,
                          email_blocked=is_blocked(BLOCK_EMAIL, sub.email),
                          ip_blocked=is_blocked(BLOCK_IP, ip))
        comment = Comment.objects.create(
            post=post, parent=parent, commenter=commenter, name=sub.name, website=sub.website,
            body=sub.body, body_hash=body_hash(sub.body), status=decision.status,
            reasons=[r.as_dict() for r in decision.reasons], notify=bool(data.get("notify")),
            ip=ip or None)
    from . import mail

    if comment.status == PUBLIC:
        mail.notify_reply(comment)
    elif comment.status == Comment.Status.HELD:
        mail.tell_author_waiting()
    return Outcome(comment, comment.status)


def approve(comment: Comment) -> None:
    """Publish a held (or spam) comment and tell the parent's author if they asked."""
    from . import mail

    comment.status = Comment.Status.PUBLIC
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["status", "moderated_at"])  # the page cache listens to saves
    mail.notify_reply(comment)


def author_reply(parent: Comment, text: str, name: str) -> Comment:
    """The author's reply from the admin: public at once, threaded under ``parent``."""
    target = Comment.objects.get(pk=reply_parent(ancestors(parent)))
    reply = Comment.objects.create(post=parent.post, parent=target, by_author=True, name=name,
                                   body=text, body_hash=body_hash(text),
                                   status=Comment.Status.PUBLIC, moderated_at=timezone.now())
    if parent.status != Comment.Status.PUBLIC:
        approve(parent)
    from . import mail

    mail.notify_reply(reply)
    return reply


def block(kind: str, value: str, note: str = "") -> bool:
    """Block an email or IP; True if it was not blocked yet."""
    _, created = Block.objects.get_or_create(kind=kind, value=value, defaults={"note": note})
    return created


def forget(commenter: Commenter) -> int:
    """Delete every comment of ``commenter`` and the address itself; others' replies to
    them move up to the deleted comment's parent. Returns the number deleted."""
    with transaction.atomic():
        mine = list(commenter.comments.order_by("-created"))
        for c in mine:
            Comment.objects.filter(parent=c).update(parent_id=c.parent_id)
            c.delete()
        commenter.delete()
    return len(mine)
