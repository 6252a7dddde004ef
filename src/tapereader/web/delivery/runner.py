"""What the commands do: ``send`` (enqueue a post, work the queue to the end) and ``daily``
(publish the latest session's note, send it, then the alerts; safe to run twice)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from tapereader.data.errors import TapereaderError

from . import states
from .models import EMAIL, SMS, Channel, Delivery
from .outbox import enqueue, recipients, topic_for
from .worker import WorkerConfig, run_workers


class DeliveryCommandError(TapereaderError):
    """Bad input to send/daily: one line for the user."""


def find_post(spec: str) -> Any:
    """``latest`` (the newest public note) or a session date ``YYYY-MM-DD``."""
    from tapereader.web.posts.models import Post

    qs = Post.objects.public()
    if spec == "latest":
        post = qs.filter(kind="note").order_by("-date").first()
        if post is None:
            raise DeliveryCommandError("no published post to send (publish one first)")
        return post
    try:
        day = dt.date.fromisoformat(spec)
    except ValueError:
        raise DeliveryCommandError(f"--post {spec!r}: expected latest or YYYY-MM-DD") from None
    post = qs.filter(date=day).order_by("kind").first()
    if post is None:
        raise DeliveryCommandError(f"--post {spec}: no published post for that date")
    return post


def parse_channels(value: str) -> tuple[str, ...]:
    chans = tuple(c.strip().lower() for c in value.split(",") if c.strip())
    bad = [c for c in chans if c not in Channel.values]
    if bad or not chans:
        raise DeliveryCommandError(f"--channels {value!r}: use email, sms or email,sms")
    return chans


@dataclass
class SendResult:
    enqueued: dict[str, int]
    stats: Counter[str] = field(default_factory=Counter)
    states: dict[str, int] = field(default_factory=dict)


def dry_run(post: Any, channels: Iterable[str]) -> dict[str, int]:
    """How many subscribers would get a new row per channel (nothing is written)."""
    topic = topic_for(post)
    out = {}
    for ch in channels:
        have = set(Delivery.objects.filter(post=post, channel=ch)
                   .values_list("subscriber_id", flat=True))
        field_name = "email" if ch == EMAIL else "phone"
        out[ch] = sum(1 for s in recipients(ch, topic)
                      if getattr(s, field_name) and s.pk not in have)
    return out


def send_posts(posts: list[Any], channels: tuple[str, ...], *, concurrency: int = 1,
               progress: Callable[[int, int], None] | None = None) -> SendResult:
    """Enqueue the posts (idempotent), then work their rows until none is due."""
    from .ideas import prepare_ideas

    enq: Counter[str] = Counter()
    for p in posts:
        if EMAIL in channels:
            prepare_ideas(p)  # before any mail of the post goes out
        enq.update(enqueue(p, channels))
    ids = tuple(p.pk for p in posts)
    total = Delivery.objects.filter(post_id__in=ids, channel__in=channels).count()
    done = [Delivery.objects.filter(post_id__in=ids, channel__in=channels,
                                    state__in=states.DONE).count()]

    def tick(n: int) -> None:
        done[0] = Delivery.objects.filter(post_id__in=ids, channel__in=channels,
                                          state__in=states.DONE).count()
        if progress:
            progress(done[0], total)

    if progress:
        progress(done[0], total)
    stats = run_workers(concurrency, WorkerConfig(channels=channels, post_ids=ids),
                        until_empty=True, progress=tick)
    by_state = dict(Counter(Delivery.objects.filter(post_id__in=ids, channel__in=channels)
                            .values_list("state", flat=True)))
    return SendResult(dict(enq), stats, by_state)


# -- daily ------------------------------------------------------------------------------


@dataclass
class DailyResult:
    session: str | None
    message: str
    published: bool = False
    sent: SendResult | None = None
    alerts: list[Any] = field(default_factory=list)


def latest_session(today: dt.date, now: dt.datetime) -> str | None:
    """``today`` if it is an XNYS session whose close has passed, else None (a holiday, a
    weekend, or before the close: nothing to do yet)."""
    import pandas as pd

    from tapereader.data.calendar import xnys

    cal = xnys()
    ts = pd.Timestamp(today)
    if not cal.is_session(ts):
        return None
    if cal.session_close(ts).to_pydatetime() > now:
        return None
    return today.isoformat()


def fetch_latest(session: str, provider: str = "yahoo") -> Path:
    """Fetch the watchlist's missing bars up to ``session`` into the DuckDB store; its path."""
    from tapereader.config import default_watchlist
    from tapereader.data.fetch import update
    from tapereader.data.providers import get_provider
    from tapereader.data.store import Store
    from tapereader.paths import default_db_path

    path = default_db_path()
    with Store(path) as store:
        rep = update(store, get_provider(provider), sorted(default_watchlist().instruments),
                     asof=dt.date.fromisoformat(session))
    if rep.failed:
        raise DeliveryCommandError(f"fetch from {provider} failed: " + "; ".join(rep.lines()))
    return path


def _housekeeping(now: dt.datetime) -> None:
    """What the daily job does whether or not the day is a session: commenters' IPs older than
    the keep period are truncated (/24, /48), as the privacy policy promises; the bounce
    mailbox, when one is configured, is read (before sending: a bounced address gets
    nothing more)."""
    from django.conf import settings

    from tapereader.web.comments.privacy import truncate_old_ips

    truncate_old_ips(now=now)
    box = str(getattr(settings, "TAPEREADER_BOUNCE_MAILBOX", "") or "")
    if box:
        from .bounces import read_bounces

        read_bounces(box)


def daily(*, asof: str | None = None, data: Path | None = None, fetch: str | None = None,
          channels: tuple[str, ...] = (EMAIL, SMS), concurrency: int = 1,
          now: dt.datetime | None = None,
          progress: Callable[[int, int], None] | None = None) -> DailyResult:
    """Publish, send and alert for the latest session; a no-op when it is not a session or
    when it was all done already (the outbox is idempotent, so a second run sends nothing).
    ``fetch`` names a live provider to fetch the bars from first (without ``data``)."""
    from tapereader.web.posts.models import Post, Status

    from .alerts import publish_alerts

    now = now or timezone.now()
    if asof:
        try:
            today = dt.date.fromisoformat(asof)
        except ValueError:
            raise DeliveryCommandError(f"--asof {asof!r}: expected YYYY-MM-DD") from None
        now = max(now, dt.datetime.combine(today, dt.time(23, 59), dt.UTC))
    else:
        from zoneinfo import ZoneInfo

        today = now.astimezone(ZoneInfo("America/New_York")).date()
    _housekeeping(now)
    session = latest_session(today, now)
    if session is None:
        return DailyResult(None, f"{today} is not a session whose close has passed: "
                                 "nothing to do")
    post = Post.objects.filter(date=today, kind="note").first()
    published = False
    if post is None or post.status != Status.PUBLISHED:
        from tapereader.web.posts.publishing import publish_note

        db = fetch_latest(session, fetch) if fetch and data is None else None
        post = publish_note(session, data=data, db=db)
        published = True
    alerts = publish_alerts(post)
    posts = [post, *alerts]
    sent = send_posts(posts, channels, concurrency=concurrency, progress=progress)
    n = sum(sent.stats.get(k, 0) for k in ("sent", "recovered_mark_sent"))
    msg = (f"{session}: {'published' if published else 'already published'}, "
           f"{n} sent, {len(alerts)} alert(s)")
    return DailyResult(session, msg, published, sent, alerts)
