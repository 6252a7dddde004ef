"""What to do with a delivery found in flight when its worker died (state ``unknown``).

The row was claimed and its lease ran out before it was marked sent: the message may or
may not have reached the provider. The decision is a pure function of what the provider
can tell us; the worker records it on the row (``recovery``) before acting on it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

Action = Literal["mark_sent", "resend"]


@dataclass(frozen=True)
class Decision:
    action: Action
    provider_id: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ProviderMessage:
    """One message the provider reports as sent to the number since the claim."""

    id: str
    body: str


def recover_sms(sent: Iterable[ProviderMessage], *, body: str,
                known_ids: Collection[str]) -> Decision:
    """SMS: the provider's list for the number since the claim is the truth. A message with
    this delivery's exact body that no other row already owns means it went out: mark it
    sent with that id. Otherwise it never reached the provider: send it (no duplicate)."""
    for m in sent:
        if m.id not in known_ids and m.body == body:
            return Decision("mark_sent", m.id, "found at the provider")
    return Decision("resend", reason="not at the provider")


def recover_email(*, found_id: str | None, can_look_up: bool) -> Decision:
    """Email: a backend that can look the stable Message-ID up (the .eml folder) answers
    exactly. SMTP cannot be asked, so the mail is sent again with the same Message-ID:
    at least once, never lost; a duplicate is possible only if the worker died between the
    server's 250 to DATA and the commit of ``sent`` (see docs/delivery.md)."""
    if found_id:
        return Decision("mark_sent", found_id, "found by Message-ID")
    if can_look_up:
        return Decision("resend", reason="not in the backend")
    return Decision("resend", reason="resent: SMTP cannot be asked (same Message-ID)")
