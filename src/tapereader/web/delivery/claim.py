"""Claiming outbox rows with a lease, and the conditional writes that end a claim.

PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` then one UPDATE, in one short transaction,
committed before anything is sent: many workers on many machines never get the same row and
never wait for each other. SQLite (one worker): the same UPDATE made conditional on the
state the select saw. Every later write is conditional on the claim token.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from tapereader.web.posts.models import Post

from . import states
from .models import Delivery


def _claimable(now: datetime) -> tuple[Q, Q]:
    """(expired in-flight rows, queued rows that are due)."""
    expired = Q(state__in=states.IN_FLIGHT, lease_until__lt=now)
    due = Q(state=states.QUEUED, not_before__lte=now)
    return expired, due


def claim(channels: Iterable[str], *, limit: int, lease: timedelta,
          post_ids: Iterable[int] | None = None, ids: Iterable[int] | None = None,
          now: datetime | None = None) -> tuple[uuid.UUID, list[Delivery]]:
    """Claim up to ``limit`` rows: first those whose worker died (they become ``unknown``),
    then due ``queued`` rows (they become ``sending``). ``post_ids`` keeps to those posts'
    rows (reply mails have no post), ``ids`` to those rows. Returns (token, rows)."""
    now = now or timezone.now()
    token = uuid.uuid4()
    channels = list(channels)
    skip_locked = connection.features.has_select_for_update_skip_locked
    only = None if ids is None else list(ids)
    found: list[int] = []
    with transaction.atomic():
        for cond in _claimable(now):
            if len(found) >= limit:
                break
            qs = Delivery.objects.filter(cond, channel__in=channels)
            if post_ids is not None:
                qs = qs.filter(post_id__in=list(post_ids))
            if only is not None:
                qs = qs.filter(id__in=only)
            qs = qs.order_by("not_before", "id")
            if skip_locked:
                qs = qs.select_for_update(skip_locked=True)
            found += list(qs.values_list("id", flat=True)[: limit - len(found)])
        if not found:
            return token, []
        expired, due = _claimable(now)
        Delivery.objects.filter(expired | due, id__in=found).update(
            state=Case(When(state=states.QUEUED, then=Value(states.SENDING)),
                       default=Value(states.UNKNOWN)),
            claimed_at=Case(When(state=states.QUEUED, then=Value(now)),
                            default=F("claimed_at")),
            lease_until=now + lease, claim_token=token, attempts=F("attempts") + 1)
    rows = list(Delivery.objects.filter(claim_token=token)
                .select_related("subscriber", "commenter").order_by("id"))
    posts = Post.objects.in_bulk({r.post_id for r in rows if r.post_id is not None})
    for r in rows:  # one query for the batch's post(s), not its text copied into every row
        if r.post_id is not None:
            r.post = posts[r.post_id]
    return token, rows


def finish(row: Delivery, token: uuid.UUID, state: str, **fields: object) -> bool:
    """End the claim: set ``state`` (and ``fields``) if the row is still ours. Returns False
    when the lease had been taken over (nothing written)."""
    values = {"state": state, "lease_until": None, **fields}
    n = Delivery.objects.filter(id=row.id, claim_token=token).update(**values)
    if n:
        for k, v in values.items():
            setattr(row, k, v)
    return bool(n)


# One statement, one round trip: the time between the provider's "accepted" and this commit
# is the whole window in which a killed worker leaves a sent message marked in flight.
# ``set_config(..., true)`` turns synchronous_commit off for this statement's transaction
# only: a killed worker loses nothing (the server has the commit); a crash of the database
# server itself may forget the last instant of marks, and those rows are recovered.
_MARK_SENT_PG = (
    "UPDATE delivery_delivery SET state = %s, lease_until = NULL, provider_id = %s, "
    "sent_at = %s, address = %s, reason = '' "
    "WHERE id = %s AND claim_token = %s AND set_config('synchronous_commit', 'off', true) = 'off'"
)


def mark_sent(row: Delivery, token: uuid.UUID, provider_id: str, address: str) -> bool:
    """``sent`` with the provider's id, conditional on the claim token (see above)."""
    now = timezone.now()
    if connection.vendor != "postgresql":
        return finish(row, token, states.SENT, provider_id=provider_id, sent_at=now,
                      address=address, reason="")
    with connection.cursor() as cur:
        cur.execute(_MARK_SENT_PG, [states.SENT, provider_id, now, address, row.id, token])
        n = cur.rowcount
    if n:
        row.state, row.provider_id, row.sent_at, row.address = states.SENT, provider_id, now, \
            address
        row.lease_until, row.reason = None, ""
    return bool(n)


def requeue(row: Delivery, token: uuid.UUID, not_before: datetime, reason: str = "") -> bool:
    """Put a claimed row back in the queue until ``not_before`` (backoff, quiet hours)."""
    return finish(row, token, states.QUEUED, not_before=not_before, reason=reason,
                  claim_token=None)


def lease_left(row: Delivery, now: datetime | None = None) -> timedelta:
    """How much of the row's lease is left (negative when it ran out)."""
    assert row.lease_until is not None
    return row.lease_until - (now or timezone.now())
