"""Subprocess side of the kill test and the benchmark: ``seed`` a database (migrate, one
post, N subscribers with confirmed consent, the post enqueued, optionally R comment-reply
mails) and ``report`` the outbox as JSON. Run as
``python -m tests.web.delivery.killhelper seed N CHANNELS [R]`` with the site's
settings in the environment (TAPEREADER_SITE_DB=postgres://...)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tapereader.web.settings")
    import django

    django.setup()


def make_post(date: dt.date = dt.date(2013, 7, 8), headline: str = "Small caps lead the rally"):
    from django.utils import timezone

    from tapereader.web.posts.models import Post, Status

    post = Post(date=date, slug="small-caps-lead", headline=headline,
                body_md="# Small caps lead\n\nThe **Russell 2000** closed at an all-time high.\n\n"
                        "- IWM up 5.5% in nine sessions\n- QQQ about 2% below its high\n",
                status=Status.PUBLISHED, published_at=timezone.now() - dt.timedelta(hours=1))
    post.refresh_rendering()
    post.save()
    return post


def zone_at_hour(target: int, now: dt.datetime | None = None) -> str:
    """A fixed-offset zone (Etc/GMT...) where the local hour is ``target`` now."""
    hour = (now or dt.datetime.now(dt.UTC)).hour
    h = (target - hour + 12) % 24 - 12  # local = UTC + h, h in [-12, 11]
    return "Etc/GMT" + (f"-{h}" if h > 0 else f"+{-h}" if h < 0 else "")


def daytime_zone(now: dt.datetime | None = None) -> str:
    """A zone where it is about noon now (texts are not in quiet hours)."""
    return zone_at_hour(12, now)


def make_subscribers(n: int, channels: tuple[str, ...], *, prefix: str = "reader") -> list:
    """``n`` subscribers with confirmed consent on ``channels`` (ledger events, as an import)."""
    from django.db import transaction

    from tapereader.web.subscribers import ledger
    from tapereader.web.subscribers.models import Subscriber

    topics = ["daily", "alert_reversal", "alert_trendline"]
    zone = daytime_zone()
    subs = [Subscriber(email=f"{prefix}{i}@example.org",
                       phone=f"+1202555{i:04d}" if "sms" in channels else "",
                       timezone=zone, topics=topics)
            for i in range(n)]
    with transaction.atomic():
        Subscriber.objects.bulk_create(subs, batch_size=1000)
        subs = list(Subscriber.objects.filter(email__startswith=prefix).order_by("pk"))
        if len(subs) <= 20:  # the ledger's own API, one event at a time
            for s in subs:
                for ch in channels:
                    ledger.record(s, ch, "confirmed", source="import")
        else:  # many: the same rows in bulk (seeding the kill test and the benchmark)
            _bulk_confirm(subs, channels)
    return subs


def _bulk_confirm(subs: list, channels: tuple[str, ...]) -> None:
    from django.utils import timezone

    from tapereader.web.subscribers.ledger import address_hash, normalize_address
    from tapereader.web.subscribers.models import ConsentEvent, ConsentEventDetail

    now = timezone.now()
    pairs = [(s, ch, normalize_address(ch, s.email if ch == "email" else str(s.phone)))
             for s in subs for ch in channels]
    events = ConsentEvent.objects.bulk_create(
        [ConsentEvent(subscriber=s, channel=ch, event="confirmed", source="import",
                      address_sha256=address_hash(ch, addr), at=now) for s, ch, addr in pairs],
        batch_size=1000)
    details = [ConsentEventDetail(event=ev, address=addr)
               for ev, (_, _, addr) in zip(events, pairs, strict=True)]
    ConsentEventDetail.objects.bulk_create(details, batch_size=1000)


def make_reply_mails(post, n: int) -> int:
    """``n`` commenters (commenter<i>@example.net) whose ticked comment got a public reply,
    each reply mail in the outbox (as ``notify_reply`` leaves it, in bulk)."""
    from django.db import transaction

    from tapereader.web.comments.models import Comment, Commenter
    from tapereader.web.delivery.email import stable_message_id
    from tapereader.web.delivery.models import REPLY_TOPIC, Delivery

    with transaction.atomic():
        Commenter.objects.bulk_create(
            [Commenter(email=f"commenter{i}@example.net") for i in range(n + 1)])
        who = list(Commenter.objects.filter(email__endswith="@example.net").order_by("pk"))
        replier, askers = who[-1], who[:-1]
        Comment.objects.bulk_create(
            [Comment(post=post, commenter=c, name=f"Reader {i}", body=f"Question {i}?",
                     body_hash=f"q{i}", notify=True, status=Comment.Status.PUBLIC)
             for i, c in enumerate(askers)])
        parents = list(Comment.objects.filter(commenter__in=askers).order_by("pk"))
        Comment.objects.bulk_create(
            [Comment(post=post, parent=p, commenter=replier, name="Replier",
                     body=f"Answer {i}.", body_hash=f"a{i}", status=Comment.Status.PUBLIC)
             for i, p in enumerate(parents)])
        replies = list(Comment.objects.filter(parent__isnull=False).order_by("pk"))
        rows = [Delivery(comment=r, commenter_id=r.parent.commenter_id, channel="email",
                         topic=REPLY_TOPIC, message_id=stable_message_id(f"comment-reply.{r.pk}"))
                for r in Comment.objects.filter(pk__in=[r.pk for r in replies])
                .select_related("parent")]
        Delivery.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def seed(n: int, channels: tuple[str, ...], replies: int = 0) -> dict:
    from django.core.management import call_command

    from tapereader.web.delivery.outbox import enqueue

    call_command("migrate", verbosity=0)
    post = make_post()
    subs = make_subscribers(n, channels)
    created = enqueue(post, channels, subscribers=subs)  # all confirmed: skip the n lookups
    return {"post": post.pk, "created": created, "replies": make_reply_mails(post, replies)}


def report() -> dict:
    from tapereader.web.delivery.models import Delivery

    rows = list(Delivery.objects.values("channel", "state", "address", "provider_id",
                                        "message_id", "recovery", "attempts", "comment_id",
                                        "subscriber__email", "subscriber__phone"))
    return {"rows": [{**r, "subscriber__phone": str(r["subscriber__phone"] or "")}
                     for r in rows]}


if __name__ == "__main__":
    setup()
    cmd = sys.argv[1]
    if cmd == "seed":
        out = seed(int(sys.argv[2]), tuple(sys.argv[3].split(",")),
                   int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    elif cmd == "report":
        out = report()
    else:
        raise SystemExit(f"unknown command {cmd!r}")
    print(json.dumps(out))
