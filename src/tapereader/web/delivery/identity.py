"""Stable identities of one delivery: the email's Message-ID, derived from (post, subscriber),
so every attempt of the same delivery carries the same Message-ID and a duplicate from the
crash window can be recognised (and collapsed by most mail clients)."""

from __future__ import annotations

import hashlib
import hmac


def message_id(post_key: str, subscriber_id: int, *, domain: str, secret: str) -> str:
    """``<tr.<post>.<subscriber>.<mac>@<domain>>``: the same for the same pair, unguessable
    for another pair (the mac is keyed with the install's secret)."""
    safe_post = "".join(c if c.isalnum() or c in "-_" else "-" for c in post_key)
    mac = hmac.new(secret.encode(), f"{post_key}|{subscriber_id}".encode(),
                   hashlib.sha256).hexdigest()[:16]
    return f"<tr.{safe_post}.{subscriber_id}.{mac}@{domain}>"


def normalize_message_id(value: str) -> str:
    """A Message-ID header value without the folding whitespace a mailer may insert."""
    return "".join(value.split())
