"""Appending to the consent ledger: ``record(subscriber, channel, event, source=..., ...)``."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Channel, ConsentEvent, ConsentEventDetail, Disclosure, Subscriber


def normalize_address(channel: str, address: str) -> str:
    """The address as hashed: emails lower-cased, numbers as E.164."""
    address = str(address or "").strip()
    return address.lower() if channel == Channel.EMAIL else address


def address_hash(channel: str, address: str) -> str:
    """SHA-256 (hex) of the normalized address: what the ledger keeps after an erasure."""
    return hashlib.sha256(normalize_address(channel, address).encode("utf-8")).hexdigest()


def current_address(subscriber: Subscriber, channel: str) -> str:
    if channel == Channel.EMAIL:
        return subscriber.email
    return str(subscriber.phone or subscriber.pending_phone or "")


def record(subscriber: Subscriber | None, channel: str, event: str, *, source: str,
           address: str | None = None, disclosure: Disclosure | None = None,
           ip: str | None = None, user_agent: str = "", page_url: str = "",
           note: str = "", **_: Any) -> ConsentEvent:
    """Append one event (with its personal details) and return it."""
    if address is None:
        if subscriber is None:
            raise ValueError("record: an address is needed without a subscriber")
        address = current_address(subscriber, channel)
    address = normalize_address(channel, address)
    with transaction.atomic():
        ev = ConsentEvent.objects.create(
            subscriber=subscriber, channel=channel, event=event, source=source,
            address_sha256=address_hash(channel, address), disclosure=disclosure,
            disclosure_sha256=disclosure.sha256 if disclosure else "", at=timezone.now())
        ConsentEventDetail.objects.create(event=ev, address=address, ip=ip or None,
                                          user_agent=(user_agent or "")[:512],
                                          page_url=(page_url or "")[:1024],
                                          note=(note or "")[:512])
    return ev


# -- the SQLite trigger's switch ---------------------------------------------------------
_state = threading.local()


def guard_on() -> int:
    """1 unless inside ``maintenance()`` (the SQLite trigger asks this function)."""
    return 0 if getattr(_state, "maintenance", False) else 1


@contextlib.contextmanager
def maintenance() -> Iterator[None]:
    """Let ``flush`` (emptying the whole database on purpose) remove ledger rows."""
    _state.maintenance = True
    try:
        yield
    finally:
        _state.maintenance = False
