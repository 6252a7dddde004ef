"""Inbound texts: STOP and its synonyms revoke at once, YES confirms, START re-subscribes,
HELP answers.  ``handle(from_number, body)`` returns the one reply text (or None)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from .consent import Status, status
from .keywords import Intent, intent
from .ledger import address_hash, record
from .models import Channel, ConsentEvent, Event, Source, Subscriber

PENDING_FOR = timedelta(days=7)  # a YES later than this after the request does not confirm


def _reply(name: str) -> str:
    return render_to_string(f"subscribers/sms/{name}.txt", {
        "program": settings.TAPEREADER_PROGRAM_NAME, "contact": settings.TAPEREADER_CONTACT_EMAIL,
        "site_url": settings.SITE_URL, "frequency": settings.TAPEREADER_SMS_FREQUENCY}).strip()


def _last(number: str, sub: Subscriber, *events: str) -> ConsentEvent | None:
    return (ConsentEvent.objects.filter(subscriber_id=sub.pk, channel=Channel.SMS,
                                        address_sha256=address_hash(Channel.SMS, number),
                                        event__in=events)
            .order_by("-at", "-id").first())


def handle(number: str, body: str, note: str = "") -> str | None:
    """Act on one inbound text from ``number`` (E.164); the reply to send, if any."""
    what = intent(body)
    note = (note or body or "")[:200]
    subs = list(Subscriber.objects.filter(Q(phone=number) | Q(pending_phone=number)))
    if what == Intent.STOP:
        return _stop(number, subs, note)
    if what in (Intent.CONFIRM, Intent.START):
        confirmed = _confirm_pending(number, subs, note)
        if what == Intent.START:
            confirmed = _restart(number, subs, note) or confirmed
        return _reply("confirmed") if confirmed else (_reply("help") if not subs else None)
    if what == Intent.HELP:
        return _reply("help")
    return None


def _stop(number: str, subs: list[Subscriber], note: str) -> str | None:
    with transaction.atomic():
        changed = False
        for sub in subs:
            if status(sub, Channel.SMS, number) in (Status.ACTIVE, Status.PENDING):
                record(sub, Channel.SMS, Event.REVOKED, source=Source.KEYWORD, address=number,
                       note=note)
                changed = True
            if str(sub.pending_phone) == number:
                sub.pending_phone = ""
                sub.save(update_fields=["pending_phone"])
        if not subs:  # not ours: remember the opt-out of the number all the same
            record(None, Channel.SMS, Event.REVOKED, source=Source.KEYWORD, address=number,
                   note=note)
    return _reply("stopped") if changed else None


def _confirm_pending(number: str, subs: list[Subscriber], note: str) -> bool:
    confirmed = False
    with transaction.atomic():
        for sub in subs:
            if str(sub.pending_phone) != number:
                continue
            if status(sub, Channel.SMS, number) != Status.PENDING:
                continue
            asked = _last(number, sub, Event.REQUESTED)
            if asked is None or asked.at < timezone.now() - PENDING_FOR:
                continue
            sub.phone, sub.pending_phone = number, ""
            sub.save(update_fields=["phone", "pending_phone"])
            record(sub, Channel.SMS, Event.CONFIRMED, source=Source.KEYWORD, address=number,
                   disclosure=asked.disclosure, note=note)
            confirmed = True
    return confirmed


def _restart(number: str, subs: list[Subscriber], note: str) -> bool:
    """START/UNSTOP after a STOP: re-subscribe under the disclosure last confirmed."""
    done = False
    with transaction.atomic():
        for sub in subs:
            if str(sub.phone) != number or status(sub, Channel.SMS) != Status.STOPPED:
                continue
            granted = _last(number, sub, Event.CONFIRMED, Event.RESUBSCRIBED)
            if granted is None:
                continue
            record(sub, Channel.SMS, Event.RESUBSCRIBED, source=Source.KEYWORD, address=number,
                   disclosure=granted.disclosure, note=note)
            done = True
    return done
