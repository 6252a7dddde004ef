"""When a delivery may go out: quiet hours for texts, retry backoff, per-number limits, and
when an SMS carries the STOP notice. Plain functions of times; the worker applies them."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

QUIET_START = time(21, 0)
QUIET_END = time(8, 0)


def zone(name: str | None, default: str = "America/New_York") -> ZoneInfo:
    """The subscriber's time zone, or ``default`` when it is blank or unknown."""
    try:
        return ZoneInfo(name) if name else ZoneInfo(default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def in_quiet_hours(local: time, start: time = QUIET_START, end: time = QUIET_END) -> bool:
    """Whether a local wall-clock time falls in [start, end), a window that may span midnight."""
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def sms_allowed_at(now: datetime, tz: ZoneInfo, *, start: time = QUIET_START,
                   end: time = QUIET_END) -> datetime:
    """``now`` if a text may go now in ``tz``, else the end of the quiet hours (UTC).

    The quiet window is read on the subscriber's wall clock, so a DST change moves it
    with them; the deferred text keeps its place in the queue and goes at ``end``.
    """
    local = now.astimezone(tz)
    if not in_quiet_hours(local.time(), start, end):
        return now
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    resume = datetime.combine(day, end, tzinfo=tz)
    # a wall time that does not exist (a DST gap) normalizes forward through UTC
    return resume.astimezone(UTC)


def retry_at(attempt: int, now: datetime, *, base: timedelta = timedelta(seconds=30),
             cap: timedelta = timedelta(hours=1), rng: random.Random | None = None) -> datetime:
    """When to retry after the ``attempt``-th transient failure (1-based): exponential
    backoff from ``base``, capped, with full jitter over the upper half so a provider's
    outage does not bring every worker back at the same second."""
    step = min(cap.total_seconds(), base.total_seconds() * 2 ** max(0, attempt - 1))
    r = (rng or random).uniform(0.5, 1.0)
    return now + timedelta(seconds=step * r)


def per_number_next(recent: Sequence[datetime], now: datetime, *, limit: int,
                    window: timedelta) -> datetime:
    """``now`` if fewer than ``limit`` texts went to this number in the last ``window``,
    else the moment the oldest of them leaves the window."""
    inside = sorted(t for t in recent if t > now - window)
    if len(inside) < limit:
        return now
    return inside[len(inside) - limit] + window


def needs_stop_notice(last_notice: datetime | None, now: datetime, *,
                      every: timedelta = timedelta(days=7)) -> bool:
    """The first text to a number carries "Reply STOP to opt out", and so does the next one
    after ``every`` has passed since the last text that carried it."""
    return last_notice is None or now - last_notice >= every
