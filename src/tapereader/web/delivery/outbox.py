"""Putting a post in the outbox: one row per (post, subscriber, channel), in one transaction,
idempotent (the unique constraint and ``ignore_conflicts``). Consent here only decides who
gets a row; the worker asks again just before sending."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from . import states
from .identity import message_id
from .models import EMAIL, SMS, Delivery
from .schedule import needs_stop_notice
from .segments import sms_text

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def short_code(n: int) -> str:
    """``n`` in base 36: the post's code on the site's own short path ``/s/<code>/``."""
    if n < 0:
        raise ValueError(f"short_code: negative id {n}")
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
        if n == 0:
            return out


def short_id(code: str) -> int:
    """The inverse of ``short_code``; ValueError for anything that is not base 36."""
    return int(code, 36)


def short_url(post: Any) -> str:
    from .mail import site_url

    return f"{site_url()}/s/{short_code(post.pk)}/"


ALERT_TOPICS = {"bearish_reversal": "alert_reversal", "weekly_trendline_break": "alert_trendline"}


def topic_for(post: Any) -> str:
    """The subscription topic a post belongs to: the daily note, or the alert's own topic
    (a bearish reversal or a broken trend line)."""
    if post.kind == "alert":
        kind = str((post.findings or {}).get("alert", ""))
        return ALERT_TOPICS.get(kind, "alert_trendline")
    return "daily"


def _consent() -> Any:
    from tapereader.web.subscribers import consent

    return consent


def recipients(channel: str, topic: str) -> Iterator[Any]:
    """Subscribers who may receive ``topic`` on ``channel`` now (by the ledger)."""
    from tapereader.web.subscribers.models import Subscriber

    consent = _consent()
    bulk = getattr(consent, "recipients", None)
    if bulk is not None:  # the subscriptions app's own bulk query, when it has one
        yield from bulk(channel, topic)
        return
    field_name = "email" if channel == EMAIL else "phone"
    qs = Subscriber.objects.exclude(**{field_name: ""}).order_by("pk")
    for sub in qs.iterator(chunk_size=2000):
        if consent.may_send(sub, channel, topic):
            yield sub


def program_name() -> str:
    return str(getattr(settings, "TAPEREADER_SMS_PROGRAM", "")
               or getattr(settings, "TAPEREADER_PROGRAM_NAME", "") or "tapereader")


def enqueue(post: Any, channels: Iterable[str] = (EMAIL, SMS), *,
            subscribers: Iterable[Any] | None = None) -> dict[str, int]:
    """Create the post's delivery rows for every consenting subscriber; returns how many new
    rows per channel (0 when the post was already enqueued)."""
    topic = topic_for(post)
    now = timezone.now()
    secret = str(settings.SECRET_KEY)
    from .email import mail_domain

    domain = mail_domain()
    created: dict[str, int] = {}
    with transaction.atomic():
        for channel in channels:
            before = Delivery.objects.filter(post=post, channel=channel).count()
            subs = list(subscribers) if subscribers is not None else list(
                recipients(channel, topic))
            rows: list[Delivery] = []
            if channel == EMAIL:
                for s in subs:
                    if s.email:
                        rows.append(Delivery(
                            post=post, subscriber=s, channel=channel, topic=topic,
                            not_before=now,
                            message_id=message_id(post.date.isoformat() + "-" + post.kind, s.pk,
                                                  domain=domain, secret=secret)))
            else:
                last = dict(Delivery.objects.filter(channel=SMS, stop_notice=True)
                            .exclude(state__in=(states.FAILED, states.SUPPRESSED))
                            .values_list("subscriber_id").annotate(last=Max("created")))
                url, program = short_url(post), program_name()
                for s in subs:
                    if not str(s.phone or ""):
                        continue
                    notice = needs_stop_notice(last.get(s.pk), now)
                    body = sms_text(post.headline, url, program=program, stop_notice=notice)
                    rows.append(Delivery(post=post, subscriber=s, channel=channel, topic=topic,
                                         not_before=now, body=body, stop_notice=notice))
            Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
            created[channel] = Delivery.objects.filter(post=post, channel=channel).count() - before
    return created


def counts(post_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Rows per state (for the progress bar, the admin and the tests)."""
    qs = Delivery.objects.all()
    if post_ids is not None:
        qs = qs.filter(post_id__in=list(post_ids))
    return dict(qs.values_list("state").annotate(n=Count("id")))



def enqueue_reply(reply: Any, commenter: Any) -> Delivery | None:
    """The outbox row telling ``commenter`` of ``reply`` (one per reply and commenter, by
    the database's unique constraint); None when it was enqueued before."""
    from django.db import IntegrityError

    from .email import stable_message_id
    from .models import REPLY_TOPIC

    try:
        with transaction.atomic():
            return Delivery.objects.create(
                comment=reply, commenter=commenter, channel=EMAIL, topic=REPLY_TOPIC,
                not_before=timezone.now(),
                message_id=stable_message_id(f"comment-reply.{reply.pk}"))
    except IntegrityError:  # the unique constraint: already in the outbox
        return None
