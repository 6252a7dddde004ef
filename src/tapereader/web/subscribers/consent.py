"""The current consent, derived from the ledger at call time.

``status(subscriber, channel)`` replays the subscriber's events for the current address;
``may_send(subscriber, channel, topic)`` is what delivery asks at send time.  A revocation,
bounce or complaint recorded for the same address under any subscriber also stops sending.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum

from .ledger import address_hash, normalize_address
from .models import Channel, ConsentEvent, Event, Subscriber

STOPPING = {Event.REVOKED, Event.BOUNCED, Event.COMPLAINED}
GRANTING = {Event.CONFIRMED, Event.RESUBSCRIBED}


class Status(StrEnum):
    NONE = "none"            # never asked
    PENDING = "pending"      # asked, not confirmed
    ACTIVE = "active"        # confirmed (or re-subscribed) and not stopped since
    STOPPED = "stopped"      # revoked, bounced or complained


def sending_address(subscriber: Subscriber, channel: str) -> str:
    """The address a message on ``channel`` would go to ('' if none is confirmed)."""
    if channel == Channel.EMAIL:
        return subscriber.email or ""
    return str(subscriber.phone or "")


def status(subscriber: Subscriber, channel: str, address: str | None = None) -> Status:
    """Replay the ledger for (subscriber, channel, address) and the address's stop events."""
    address = sending_address(subscriber, channel) if address is None else address
    if not address or subscriber.pk is None:
        return Status.NONE
    digest = address_hash(channel, normalize_address(channel, address))
    events = list(ConsentEvent.objects.filter(channel=channel, address_sha256=digest)
                  .order_by("at", "id").values_list("subscriber_id", "event"))
    return replay(events, subscriber.pk)


def replay(events: Iterable[tuple[int | None, str]], subscriber_id: int) -> Status:
    """The consent of ``subscriber_id`` from an address's (owner, event) rows in order."""
    state = Status.NONE
    for owner, event in events:
        if event in STOPPING:
            if state != Status.NONE:
                state = Status.STOPPED  # an opt-out of the number/address, whoever asked
        elif owner != subscriber_id:
            continue
        elif event in GRANTING:
            state = Status.ACTIVE
        elif event == Event.REQUESTED and state != Status.ACTIVE:
            state = Status.PENDING
    return state


def may_send(subscriber: Subscriber, channel: str, topic: str) -> bool:
    """True only if ``subscriber`` confirmed ``channel`` (not stopped since) and wants ``topic``."""
    if topic not in (subscriber.topics or []):
        return False
    return status(subscriber, channel) == Status.ACTIVE


def may_send_many(subscribers: Iterable[Subscriber], channel: str, topic: str
                  ) -> dict[int, bool]:
    """``may_send`` for many subscribers with one ledger query (the delivery worker asks it
    for a claimed batch just before sending the batch); keyed by subscriber id."""
    subs = list(subscribers)
    out = {s.pk: False for s in subs}
    wanted: dict[str, list[Subscriber]] = defaultdict(list)
    for s in subs:
        address = sending_address(s, channel)
        if s.pk is not None and address and topic in (s.topics or []):
            wanted[address_hash(channel, normalize_address(channel, address))].append(s)
    if not wanted:
        return out
    events: dict[str, list[tuple[int | None, str]]] = defaultdict(list)
    for digest, owner, event in (ConsentEvent.objects
                                 .filter(channel=channel, address_sha256__in=list(wanted))
                                 .order_by("at", "id")
                                 .values_list("address_sha256", "subscriber_id", "event")):
        events[digest].append((owner, event))
    for digest, group in wanted.items():
        for s in group:
            out[s.pk] = replay(events.get(digest, []), s.pk) == Status.ACTIVE
    return out


def address_stopped(channel: str, address: str) -> bool:
    """Whether the address itself is suppressed: its last bounce/complaint is not followed by
    a confirmation (for mails that are not subscriptions, such as reply notifications)."""
    if not address:
        return False
    digest = address_hash(channel, normalize_address(channel, address))
    last = (ConsentEvent.objects.filter(channel=channel, address_sha256=digest,
                                        event__in=[Event.BOUNCED, Event.COMPLAINED,
                                                   *GRANTING])
            .order_by("-at", "-id").values_list("event", flat=True).first())
    return last in (Event.BOUNCED, Event.COMPLAINED)
