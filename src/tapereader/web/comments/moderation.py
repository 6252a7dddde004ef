"""Moderation decisions: what happens to a comment once the spam rules have spoken."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .rules import HOLD, SPAM, Reason

PUBLIC, HELD, SPAMMED = "public", "held", "spam"


@dataclass(frozen=True)
class Decision:
    status: str  # PUBLIC, HELD or SPAMMED
    reasons: tuple[Reason, ...]


def decide(reasons: list[Reason], *, email_approved: bool, email_blocked: bool,
           ip_blocked: bool) -> Decision:
    """Spam reasons mark it spam; a blocked email or IP, a hold reason, or a first comment
    (no approved comment from this email yet) hold it; else it is published."""
    found = list(reasons)
    if email_blocked:
        found.append(Reason("blocked-email", "the email address is blocked", HOLD))
    if ip_blocked:
        found.append(Reason("blocked-ip", "the IP address is blocked", HOLD))
    if any(r.verdict == SPAM for r in found):
        return Decision(SPAMMED, tuple(found))
    if not email_approved:
        found.append(Reason("first-comment", "first comment from this email address", HOLD))
    if found:
        return Decision(HELD, tuple(found))
    return Decision(PUBLIC, ())


def comments_open(published_at: dt.datetime | None, now: dt.datetime,
                  open_days: int | None) -> bool:
    """Comments are open on a published post for ``open_days`` days (None: always)."""
    if published_at is None or published_at > now:
        return False
    return open_days is None or now < published_at + dt.timedelta(days=open_days)


def reply_parent(ancestors: list[int], max_depth: int = 2) -> int:
    """The comment a reply hangs under, given the chosen parent and its ancestors up to the
    top-level comment (``[parent, grandparent, ..., top]``): replies nest ``max_depth``
    levels; a reply to the deepest level joins its parent's thread at that level."""
    if not ancestors:
        raise ValueError("a reply needs a parent")
    depth = len(ancestors) - 1  # 0 = a top-level comment
    return ancestors[0] if depth < max_depth else ancestors[len(ancestors) - max_depth]
