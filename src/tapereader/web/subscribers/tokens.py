"""Signed tokens (django.core.signing, the install's SECRET_KEY, one salt per purpose).

Each token names the subscriber and the hash of the address it was made for, so a token made
for an old address stops working when the address changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .ledger import address_hash, current_address
from .models import Channel, Subscriber

SALTS = {
    "confirm": "tapereader.subscribers.confirm-email",
    "unsubscribe": "tapereader.subscribers.unsubscribe",
    "preferences": "tapereader.subscribers.preferences",
}


class BadToken(Exception):
    """The token is forged, for another purpose, for an old address, or expired."""


@dataclass(frozen=True)
class Claim:
    subscriber: Subscriber
    channel: str
    data: dict[str, Any]


def make(purpose: str, subscriber: Subscriber, channel: str = Channel.EMAIL,
         **data: Any) -> str:
    address = current_address(subscriber, channel)
    payload = {"s": subscriber.pk, "c": channel, "a": address_hash(channel, address)[:20], **data}
    return signing.dumps(payload, salt=SALTS[purpose], compress=True)


def read(purpose: str, token: str, max_age: float | None = None) -> Claim:
    """The subscriber and data of a valid token; BadToken otherwise."""
    try:
        payload = signing.loads(token, salt=SALTS[purpose], max_age=max_age)
    except signing.SignatureExpired as e:
        raise BadToken("expired") from e
    except signing.BadSignature as e:
        raise BadToken("invalid") from e
    sub = Subscriber.objects.filter(pk=payload.get("s")).first()
    channel = payload.get("c", Channel.EMAIL)
    if sub is None:
        raise BadToken("no such subscriber")
    if address_hash(channel, current_address(sub, channel))[:20] != payload.get("a"):
        raise BadToken("the address changed")
    return Claim(sub, channel, {k: v for k, v in payload.items() if k not in ("s", "c", "a")})


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def confirm_url(subscriber: Subscriber, **data: Any) -> str:
    token = make("confirm", subscriber, Channel.EMAIL, **data)
    return absolute(reverse("subscribers:confirm", args=[token]))


def unsubscribe_url(subscriber: Subscriber, channel: str = Channel.EMAIL) -> str:
    """The one-click unsubscribe URL (GET shows a button; POST, CSRF-exempt, unsubscribes)."""
    token = make("unsubscribe", subscriber, channel)
    return absolute(reverse("subscribers:unsubscribe", args=[token]))


def preferences_url(subscriber: Subscriber) -> str:
    token = make("preferences", subscriber, Channel.EMAIL)
    return absolute(reverse("subscribers:preferences", args=[token]))


def list_unsubscribe_headers(subscriber: Subscriber) -> dict[str, str]:
    """RFC 2369 + RFC 8058 headers for a mail to ``subscriber``."""
    links = [f"<{unsubscribe_url(subscriber)}>"]
    mailto = getattr(settings, "TAPEREADER_UNSUBSCRIBE_MAILTO", "")
    if mailto:
        links.append(f"<mailto:{mailto}?subject=unsubscribe>")
    return {"List-Unsubscribe": ", ".join(links),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
