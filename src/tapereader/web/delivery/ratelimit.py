"""A token bucket: the per-account sending rate shared by every worker.

The arithmetic is here as a pure function; the bucket's state lives in one database row
(``models.RateBucket``) that a worker locks for the instant it takes tokens, so workers on
many machines share one rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Bucket:
    tokens: float
    at: datetime


def take(bucket: Bucket, now: datetime, *, rate: float, burst: float,
         want: int) -> tuple[int, Bucket]:
    """Refill ``bucket`` at ``rate`` tokens/s up to ``burst``, take up to ``want`` whole
    tokens; returns (granted, new bucket). A clock that went backwards refills nothing."""
    elapsed = max(0.0, (now - bucket.at).total_seconds())
    tokens = min(burst, bucket.tokens + elapsed * rate)
    granted = max(0, min(want, int(tokens)))
    return granted, Bucket(tokens - granted, max(now, bucket.at))


def wait_for_one(bucket: Bucket, *, rate: float) -> float:
    """Seconds until the bucket holds one whole token again (0 when it already does)."""
    if bucket.tokens >= 1 or rate <= 0:
        return 0.0 if bucket.tokens >= 1 else float("inf")
    return (1 - bucket.tokens) / rate
