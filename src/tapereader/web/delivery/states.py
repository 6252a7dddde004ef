"""The outbox's states and the transitions between them (docs/delivery.md draws them).

    queued ──claim──> sending ──provider accepted──> sent ──callback──> delivered | undelivered
      ^  │              │ │
      │  │              │ └─transient error──> queued (not_before = backoff) ... failed (attempts)
      │  │              └─permanent error / consent gone──> failed | suppressed
      │  └─quiet hours / rate limit──> queued (not_before later)
      │
    sending ──lease expired──> unknown ──recovery──> sent (found) | sending (resend)
"""

from __future__ import annotations

QUEUED = "queued"
SENDING = "sending"
UNKNOWN = "unknown"  # in flight when the worker died: its lease ran out before "sent"
SENT = "sent"
DELIVERED = "delivered"
UNDELIVERED = "undelivered"
FAILED = "failed"
SUPPRESSED = "suppressed"

CHOICES = [(s, s) for s in (QUEUED, SENDING, UNKNOWN, SENT, DELIVERED, UNDELIVERED, FAILED,
                            SUPPRESSED)]

CLAIMABLE = (QUEUED,)
IN_FLIGHT = (SENDING, UNKNOWN)
DONE = (SENT, DELIVERED, UNDELIVERED, FAILED, SUPPRESSED)
HANDED_OVER = (SENT, DELIVERED, UNDELIVERED)  # the provider took it: counts as sent once

TRANSITIONS: dict[str, frozenset[str]] = {
    QUEUED: frozenset({SENDING}),
    SENDING: frozenset({SENT, QUEUED, FAILED, SUPPRESSED, UNKNOWN}),
    UNKNOWN: frozenset({SENT, SENDING, QUEUED, FAILED, SUPPRESSED, UNKNOWN}),
    SENT: frozenset({DELIVERED, UNDELIVERED, FAILED}),
    DELIVERED: frozenset(),
    UNDELIVERED: frozenset(),
    FAILED: frozenset(),
    SUPPRESSED: frozenset(),
}


def can_move(old: str, new: str) -> bool:
    """Whether the outbox allows ``old -> new`` (status callbacks arrive out of order)."""
    return new in TRANSITIONS.get(old, frozenset())
