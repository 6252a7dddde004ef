"""The rules of subscribing and leaving, as plain functions (the views stay thin).

- ``subscribe``: record the request, send at most one confirmation mail (and text) per hour;
  the same outcome whether or not the address was known.
- ``confirm_email``: the POST behind the confirmation page's button.
- ``unsubscribe`` / ``leave_everything`` / ``set_preferences``: leaving is immediate.
- ``delete_all_data``: the subscriber and every personal detail go; the ledger keeps the
  address hashes and one revocation per channel as proof.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from . import disclosures, tokens
from .consent import Status, status
from .ledger import record
from .models import ALL_TOPICS, Channel, ConsentEventDetail, Disclosure, Event, Source, Subscriber

log = logging.getLogger(__name__)

RESEND_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Context:
    """Where a request came from, as the ledger records it."""

    ip: str | None = None
    user_agent: str = ""
    page_url: str = ""

    def as_kwargs(self) -> dict[str, Any]:
        return {"ip": self.ip, "user_agent": self.user_agent, "page_url": self.page_url}


def clean_topics(topics: list[str] | None) -> list[str]:
    return [t for t in ALL_TOPICS if t in (topics or [])]


def _claim_slot(sub: Subscriber, field: str) -> bool:
    """Take the hourly slot for a confirmation message (atomic: two requests, one message)."""
    now = timezone.now()
    stale = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now - RESEND_AFTER})
    return bool(Subscriber.objects.filter(stale, pk=sub.pk).update(**{field: now}))


def _get_or_create(email: str, topics: list[str]) -> Subscriber:
    sub = Subscriber.objects.filter(email__iexact=email).first()
    if sub:
        return sub
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email, topics=topics,
                                             timezone=settings.TAPEREADER_DEFAULT_TIMEZONE)
    except IntegrityError:
        return Subscriber.objects.get(email__iexact=email)


def subscribe(email: str, phone: str, topics: list[str], email_disclosure: Disclosure,
              sms_disclosure: Disclosure | None, ctx: Context,
              source: str = Source.FORM) -> Subscriber:
    """Record a subscription request and send the confirmations that are due."""
    topics = clean_topics(topics) or [ALL_TOPICS[0]]
    with transaction.atomic():
        sub = _get_or_create(email, topics)
        record(sub, Channel.EMAIL, Event.REQUESTED, source=source,
               disclosure=email_disclosure, **ctx.as_kwargs())
        want_sms = bool(phone and sms_disclosure)
        if want_sms and not (str(sub.phone) == phone
                             and status(sub, Channel.SMS) == Status.ACTIVE):
            sub.pending_phone = phone
            sub.save(update_fields=["pending_phone"])
            record(sub, Channel.SMS, Event.REQUESTED, source=source, address=phone,
                   disclosure=sms_disclosure, **ctx.as_kwargs())
        else:
            want_sms = False
    if _claim_slot(sub, "confirm_mail_sent_at"):
        send_confirmation_mail(sub, topics, email_disclosure)
    if want_sms and _claim_slot(sub, "confirm_sms_sent_at"):
        send_confirmation_sms(sub)
    return sub


def send_confirmation_mail(sub: Subscriber, topics: list[str], disclosure: Disclosure) -> None:
    """The double opt-in mail: a link to a page whose button confirms."""
    from django.core.mail import EmailMultiAlternatives

    from ..delivery.email import EmailChannel

    ctx = {"confirm_url": tokens.confirm_url(sub, t=topics, d=disclosure.pk),
           "unsubscribe_url": tokens.unsubscribe_url(sub),
           "program": settings.TAPEREADER_PROGRAM_NAME, "site_url": settings.SITE_URL,
           "hours": settings.TAPEREADER_CONFIRM_MAX_AGE // 3600}
    subject = render_to_string("subscribers/mail/confirm_subject.txt", ctx).strip()
    msg = EmailMultiAlternatives(subject, render_to_string("subscribers/mail/confirm.txt", ctx),
                                 settings.TAPEREADER_MAIL_FROM, [sub.email],
                                 headers=tokens.list_unsubscribe_headers(sub))
    msg.attach_alternative(render_to_string("subscribers/mail/confirm.html", ctx), "text/html")
    try:
        with EmailChannel() as channel:
            channel.send(msg, message_id=f"confirm.{sub.pk}.{timezone.now():%Y%m%d%H%M%S%f}")
    except Exception:  # the page is the same either way; the log says what failed
        log.exception("confirmation mail to subscriber #%s not sent", sub.pk)


def send_confirmation_sms(sub: Subscriber) -> None:
    """The SMS opt-in request: only a YES (Y, START) reply from that number confirms."""
    from ..delivery.sms import SmsChannel

    body = render_to_string("subscribers/sms/confirm.txt",
                            {"program": settings.TAPEREADER_PROGRAM_NAME,
                             "frequency": settings.TAPEREADER_SMS_FREQUENCY}).strip()
    try:
        SmsChannel().send(str(sub.pending_phone), body)
    except Exception:
        log.exception("confirmation text to subscriber #%s not sent", sub.pk)


def confirm_email(sub: Subscriber, data: dict[str, object], ctx: Context) -> bool:
    """Confirm the email channel from a confirmation token's data; False if nothing changed."""
    disclosure = Disclosure.objects.filter(pk=data.get("d"), channel=Channel.EMAIL).first()
    asked = data.get("t")
    topics = clean_topics([str(t) for t in asked] if isinstance(asked, list) else None)
    with transaction.atomic():
        if topics:
            sub.topics = topics
            sub.save(update_fields=["topics"])
        if status(sub, Channel.EMAIL) == Status.ACTIVE:
            return False
        record(sub, Channel.EMAIL, Event.CONFIRMED, source=Source.FORM,
               disclosure=disclosure or disclosures.current(Channel.EMAIL), **ctx.as_kwargs())
    return True


def unsubscribe(sub: Subscriber, channel: str, ctx: Context, source: str = Source.LINK) -> bool:
    """Stop ``channel`` at once; False if it was already stopped or never on."""
    if status(sub, channel) in (Status.NONE, Status.STOPPED) and not (
            channel == Channel.SMS and sub.pending_phone):
        return False
    address = str(sub.phone or sub.pending_phone) if channel == Channel.SMS else sub.email
    record(sub, channel, Event.REVOKED, source=source, address=address, **ctx.as_kwargs())
    return True


def leave_everything(sub: Subscriber, ctx: Context) -> None:
    for channel in (Channel.EMAIL, Channel.SMS):
        unsubscribe(sub, channel, ctx)


def set_preferences(sub: Subscriber, *, email_on: bool, sms_on: bool, topics: list[str],
                    ctx: Context) -> None:
    """Apply the preference page: topics, email off/on, SMS off (on: a new YES request)."""
    with transaction.atomic():
        sub.topics = clean_topics(topics)
        sub.save(update_fields=["topics"])
        email_now = status(sub, Channel.EMAIL)
        if not email_on and email_now in (Status.ACTIVE, Status.PENDING):
            record(sub, Channel.EMAIL, Event.REVOKED, source=Source.LINK, **ctx.as_kwargs())
        elif email_on and email_now == Status.STOPPED:
            record(sub, Channel.EMAIL, Event.RESUBSCRIBED, source=Source.LINK,
                   disclosure=disclosures.current(Channel.EMAIL), **ctx.as_kwargs())
        if not sms_on:
            unsubscribe(sub, Channel.SMS, ctx)
    if sms_on and sub.phone and status(sub, Channel.SMS) != Status.ACTIVE:
        sub.pending_phone = sub.phone
        sub.save(update_fields=["pending_phone"])
        record(sub, Channel.SMS, Event.REQUESTED, source=Source.LINK, address=str(sub.phone),
               disclosure=disclosures.current(Channel.SMS), **ctx.as_kwargs())
        if _claim_slot(sub, "confirm_sms_sent_at"):
            send_confirmation_sms(sub)


def delete_all_data(sub: Subscriber, ctx: Context) -> None:
    """Erase the subscriber: one revocation per channel stays in the ledger, by hash only."""
    with transaction.atomic():
        addresses = {Channel.EMAIL: [sub.email],
                     Channel.SMS: sorted({str(p) for p in (sub.phone, sub.pending_phone) if p})}
        erasure_events = []
        for channel, values in addresses.items():
            for address in values:
                erasure_events.append(record(sub, channel, Event.REVOKED, source=Source.ERASURE,
                                             address=address).pk)
        ConsentEventDetail.objects.filter(event__subscriber_id=sub.pk).delete()
        sub.delete()
    log.info("subscriber data erased; ledger keeps %d revocation(s) by address hash",
             len(erasure_events))
