"""The worker: claim a batch with a lease, re-check consent, recover rows whose worker died,
send through the channel, mark sent with the provider's id (docs/delivery.md).

One ``Worker`` is one thread with its own database connection and channel connections;
``run_workers`` runs several threads (``tapereader worker --concurrency N``), and several
processes on several machines share one PostgreSQL queue.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from . import claim as claims
from . import ratelimit, states
from .errors import DeliveryError, PermanentError, TransientError
from .mail import (
    MailTemplate,
    PostMail,
    build_message,
    build_raw_message,
    build_template,
    render_post_mail,
    site_url,
)
from .models import EMAIL, SMS, Delivery, RateBucket
from .recovery import Decision, ProviderMessage, recover_email, recover_sms
from .schedule import per_number_next, retry_at, sms_allowed_at, zone

log = logging.getLogger("tapereader.delivery")


CONSENT_CHUNK = 20  # rows whose consent one ledger query answers, just before their send


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


@dataclass
class WorkerConfig:
    channels: tuple[str, ...] = (EMAIL, SMS)
    batch: int = 50
    lease: timedelta = field(default_factory=lambda: timedelta(
        seconds=float(_setting("TAPEREADER_DELIVERY_LEASE", 120))))
    max_attempts: int = 8
    sms_rate: float = field(default_factory=lambda: float(_setting("TAPEREADER_SMS_RATE", 1.0)))
    sms_burst: float = field(default_factory=lambda: float(_setting("TAPEREADER_SMS_BURST", 5)))
    sms_per_number: int = field(default_factory=lambda: int(
        _setting("TAPEREADER_SMS_PER_NUMBER_PER_DAY", 3)))
    recovery_skew: timedelta = timedelta(minutes=5)
    post_ids: tuple[int, ...] | None = None
    idle_sleep: float = 1.0


class Worker:
    """Works the outbox; ``run(until_empty=True)`` stops when nothing is due."""

    def __init__(self, config: WorkerConfig | None = None, *, email: Any = None,
                 sms: Any = None) -> None:
        self.config = config or WorkerConfig()
        self._email = email
        self._sms = sms
        self._mails: dict[int, PostMail] = {}
        self._templates: dict[int, MailTemplate | None] = {}
        self._batch_consent: dict[int, bool] = {}
        self.stats: Counter[str] = Counter()
        self.stop = threading.Event()

    # -- channels (opened on first use) ------------------------------------------------
    @property
    def email(self) -> Any:
        if self._email is None:
            from .email import EmailChannel

            self._email = EmailChannel()
        return self._email

    @property
    def sms(self) -> Any:
        if self._sms is None:
            from .sms import SmsChannel

            self._sms = SmsChannel()
        return self._sms

    def close(self) -> None:
        if self._email is not None and hasattr(self._email, "close"):
            self._email.close()

    # -- the loop ------------------------------------------------------------------------
    def run(self, *, until_empty: bool = True,
            progress: Callable[[int], None] | None = None) -> Counter[str]:
        try:
            while not self.stop.is_set():
                n = self.step()
                if progress and n:
                    progress(n)
                if n == 0:
                    if until_empty and not self._pending():
                        break
                    self.stop.wait(self.config.idle_sleep)
        finally:
            self.close()
        return self.stats

    def _pending(self) -> bool:
        """Rows that are not done yet, due or not (``send`` works until all are done, except
        rows deferred to a later time, which a long-running worker picks up)."""
        now = timezone.now()
        qs = Delivery.objects.filter(channel__in=self.config.channels)
        if self.config.post_ids is not None:
            qs = qs.filter(post_id__in=self.config.post_ids)
        due = qs.filter(state=states.QUEUED, not_before__lte=now).exists()
        return due or qs.filter(state__in=states.IN_FLIGHT).exists()

    def step(self) -> int:
        """Claim one batch and handle each row; returns how many rows were claimed."""
        token, rows = claims.claim(self.config.channels, limit=self.config.batch,
                                   lease=self.config.lease, post_ids=self.config.post_ids)
        self.handle_rows(token, rows)
        return len(rows)

    def handle_rows(self, token: uuid.UUID, rows: list[Delivery]) -> None:
        """Handle the rows of one claim, in order. The email rows' consent is asked for
        CONSENT_CHUNK rows at a time, in one ledger query just before they are sent."""
        for i, row in enumerate(rows):
            if i % CONSENT_CHUNK == 0:
                self._batch_consent = self.batch_consent(rows[i:i + CONSENT_CHUNK])
            if self.stop.is_set() or claims.lease_left(row) < self.config.lease / 4:
                # not started: back to the queue at once (a row under recovery keeps its
                # state and is recovered when the lease ends)
                if row.state == states.SENDING:
                    claims.requeue(row, token, timezone.now(), "not started in its lease")
                continue
            try:
                self.handle(row, token)
            except Exception:  # one bad row must not stop the others
                log.exception("delivery %s: unexpected error", row.pk)
                self._transient(row, token, "internal error (see the worker log)")

    # -- one row -------------------------------------------------------------------------
    def handle(self, row: Delivery, token: uuid.UUID) -> None:
        if row.state == states.UNKNOWN:
            decision = self.recover(row)
            self.stats[f"recovered_{decision.action}"] += 1
            Delivery.objects.filter(id=row.id, claim_token=token).update(
                recovery=Concat(F("recovery"), Value(
                    f"{timezone.now():%Y-%m-%dT%H:%M:%S}Z {decision.reason}; ")))
            if decision.action == "mark_sent":
                self._done(row, token, decision.provider_id, self._address(row))
                return
        if not self.may_send(row):
            claims.finish(row, token, states.SUPPRESSED, reason="no consent at send time")
            self.stats["suppressed"] += 1
            return
        if row.channel == SMS and not self._sms_may_go_now(row, token):
            return
        try:
            pid = self._send_email(row) if row.channel == EMAIL else self._send_sms(row)
        except PermanentError as e:
            self._permanent(row, token, e)
            return
        except TransientError as e:
            self._transient(row, token, e.reason, maybe_sent=e.maybe_sent)
            return
        self._done(row, token, pid, self._address(row))

    def batch_consent(self, rows: list[Delivery]) -> dict[int, bool]:
        """``may_send`` of the batch's post mails, one query per topic (texts are asked one
        by one: quiet hours and the account's rate limit may hold a text for seconds)."""
        from tapereader.web.subscribers.consent import may_send_many

        by_topic: dict[str, list[Delivery]] = {}
        for r in rows:
            if r.channel == EMAIL and not r.is_reply:
                by_topic.setdefault(r.topic, []).append(r)
        out: dict[int, bool] = {}
        for topic, group in by_topic.items():
            ok = may_send_many([r.subscriber for r in group], EMAIL, topic)
            out.update({r.pk: ok[r.subscriber_id] for r in group})
        return out

    def may_send(self, row: Delivery) -> bool:
        """Consent at send time: the subscriber's ledger for a post (asked for the batch
        just before it is sent); for a reply mail the commenter's box, their unsubscribe and
        the address's bounces."""
        if row.pk in self._batch_consent:
            return self._batch_consent.pop(row.pk)
        if row.is_reply:
            from tapereader.web.comments.mail import reply_may_send

            assert row.comment_id is not None and row.commenter_id is not None
            return reply_may_send(row.comment_id, row.commenter_id)
        from tapereader.web.subscribers.consent import may_send

        return may_send(row.subscriber, row.channel, row.topic)

    def _address(self, row: Delivery) -> str:
        if row.is_reply:
            return str(row.commenter.email) if row.commenter is not None else ""
        sub = row.subscriber
        return str(sub.email if row.channel == EMAIL else (sub.phone or ""))

    def _done(self, row: Delivery, token: uuid.UUID, pid: str, address: str) -> None:
        ok = claims.mark_sent(row, token, pid, address)
        self.stats["sent" if ok else "lease_lost"] += 1
        if not ok:
            log.warning("delivery %s: sent as %s but the lease had been taken over", row.pk, pid)
        elif row.is_reply:
            from tapereader.web.comments.mail import mark_told

            assert row.comment_id is not None
            mark_told(row.comment_id)

    def post_mail(self, post: Any) -> PostMail:
        """The post's mail, rendered once per worker (the last few posts are kept)."""
        pm = self._mails.get(post.pk)
        if pm is None:
            from .ideas import ideas_for

            pm = render_post_mail(post, ideas=ideas_for(post),
                                  charts=str(_setting("TAPEREADER_MAIL_CHARTS", "cid")))
            self._mails = {post.pk: pm, **dict(list(self._mails.items())[:3])}
            self._templates.pop(post.pk, None)
        return pm

    def _raw_ok(self) -> bool:
        """Whether the email backend sends ``message().as_bytes()`` as it is (Django's SMTP
        backend and the .eml folder do; anymail and locmem read the message's fields)."""
        backend = str(getattr(getattr(self.email, "config", None), "backend", ""))
        return backend.endswith(("smtp.EmailBackend", "EmlFolderBackend"))

    def build_email(self, row: Delivery) -> Any:
        """The subscriber's message: from the post's serialized template (bytes substituted:
        the fast path), else built by Django's mail classes."""
        from tapereader.web.subscribers import tokens

        post = row.post
        pm = self.post_mail(post)
        sub = row.subscriber
        links = {"unsubscribe_url": tokens.unsubscribe_url(sub, EMAIL),
                 "preferences_url": tokens.preferences_url(sub)}
        if self._raw_ok():
            if post.pk not in self._templates:
                self._templates[post.pk] = build_template(pm)
            tpl = self._templates[post.pk]
            if tpl is not None:
                msg = build_raw_message(tpl, to=sub.email, message_id=row.message_id, **links)
                if msg is not None:
                    return msg
        return build_message(pm, to=sub.email, message_id=row.message_id, **links)

    def _send_email(self, row: Delivery) -> str:
        if row.is_reply:
            from tapereader.web.comments.mail import reply_message_for

            assert row.comment_id is not None
            msg = reply_message_for(row.comment_id)
        else:
            msg = self.build_email(row)
        return str(self.email.send(msg, message_id=row.message_id))

    def _send_sms(self, row: Delivery) -> str:
        callback = f"{site_url()}/delivery/hooks/sms/status/"
        return str(self.sms.send(str(row.subscriber.phone), row.body, status_callback=callback))

    def _sms_may_go_now(self, row: Delivery, token: uuid.UUID) -> bool:
        """Quiet hours and the per-number limit defer the row; the account's bucket paces it."""
        now = timezone.now()
        sub = row.subscriber
        at = sms_allowed_at(now, zone(getattr(sub, "timezone", "") or "",
                                      str(_setting("TIME_ZONE", "America/New_York"))))
        if at > now:
            claims.requeue(row, token, at, "quiet hours")
            self.stats["deferred_quiet"] += 1
            return False
        window = timedelta(days=1)
        recent = list(Delivery.objects.filter(
            subscriber_id=sub.pk, channel=SMS, sent_at__gt=now - window)
            .exclude(id=row.id).values_list("sent_at", flat=True))
        nxt = per_number_next(recent, now, limit=self.config.sms_per_number, window=window)
        if nxt > now:
            claims.requeue(row, token, nxt, "per-number limit")
            self.stats["deferred_number"] += 1
            return False
        deadline = time.monotonic() + 5.0
        while True:
            granted, wait = take_tokens("sms", 1, rate=self.config.sms_rate,
                                        burst=self.config.sms_burst)
            if granted:
                return True
            if time.monotonic() + wait > deadline or self.stop.is_set():
                claims.requeue(row, token, now + timedelta(seconds=wait), "account rate limit")
                self.stats["deferred_rate"] += 1
                return False
            time.sleep(wait)

    # -- failures ------------------------------------------------------------------------
    def _permanent(self, row: Delivery, token: uuid.UUID, e: DeliveryError) -> None:
        claims.finish(row, token, states.FAILED, reason=e.reason[:1000])
        self.stats["failed"] += 1
        event = None
        if row.channel == SMS and e.code == 21610:
            event = "revoked"
        elif row.channel == EMAIL and e.code is not None and 500 <= e.code < 600:
            event = "bounced"
        if event:
            from tapereader.web.subscribers import ledger

            if row.subscriber is not None:
                ledger.record(row.subscriber, row.channel, event, source="provider",
                              note=f"delivery {row.pk}: {e.reason}"[:500])
            elif self._address(row):  # a reply mail's address: suppressed for later mails
                ledger.record(None, row.channel, event, source="provider",
                              address=self._address(row),
                              note=f"delivery {row.pk}: {e.reason}"[:500])

    def _transient(self, row: Delivery, token: uuid.UUID, reason: str, *,
                   maybe_sent: bool = False) -> None:
        now = timezone.now()
        if row.attempts >= self.config.max_attempts:
            claims.finish(row, token, states.FAILED, reason=f"gave up: {reason}"[:1000])
            self.stats["failed"] += 1
            return
        at = retry_at(row.attempts, now)
        if maybe_sent:  # it may have reached the provider: the next attempt recovers first
            claims.finish(row, token, states.UNKNOWN, lease_until=at, reason=reason[:1000])
        else:
            claims.requeue(row, token, at, reason[:1000])
        self.stats["retried"] += 1

    # -- crash recovery ------------------------------------------------------------------
    def recover(self, row: Delivery) -> Decision:
        if row.channel == SMS:
            since = (row.claimed_at or row.created) - self.config.recovery_skew
            found = sms_messages_since(self.sms, str(row.subscriber.phone), since)
            known = set(Delivery.objects.filter(
                channel=SMS, provider_id__in=[m.id for m in found])
                .exclude(id=row.id).values_list("provider_id", flat=True))
            return recover_sms(found, body=row.body, known_ids=known)
        folder = eml_folder(self.email)
        in_folder = folder is not None and eml_has_message_id(folder, row.message_id)
        return recover_email(found_id=row.message_id if in_folder else None,
                             can_look_up=folder is not None)


def eml_folder(channel: Any) -> Path | None:
    """The folder of an .eml-folder email channel (the one backend that can be asked)."""
    config = getattr(channel, "config", None)
    if config is None or not str(config.backend).endswith("EmlFolderBackend"):
        return None
    folder = config.options.get("folder") or _setting("TAPEREADER_EMAIL_DIR", "")
    return Path(folder) if folder else None


def eml_has_message_id(folder: Path, message_id: str) -> bool:
    """Whether a written .eml in ``folder`` carries ``message_id`` (headers only are read)."""
    from .identity import normalize_message_id

    want = normalize_message_id(message_id).lower()
    if not folder.is_dir():
        return False
    for p in folder.glob("*.eml"):
        head = p.read_bytes()[:16384].split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
        unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ")
        for line in unfolded.split("\r\n"):
            if line.lower().startswith("message-id:"):
                if normalize_message_id(line.split(":", 1)[1]).lower() == want:
                    return True
                break
    return False


def sms_messages_since(channel: Any, to: str, since: Any) -> list[ProviderMessage]:
    """(id, body) of the texts sent to ``to`` since ``since``, from the SMS channel."""
    fn = getattr(channel, "messages_since", None)
    if fn is not None:
        return [ProviderMessage(str(i), str(b)) for i, b in fn(to, since)]
    raise TypeError("the SMS channel cannot list sent messages with their bodies "
                    "(messages_since); crash recovery needs it")


def take_tokens(name: str, want: int, *, rate: float, burst: float) -> tuple[int, float]:
    """Take up to ``want`` tokens from the shared bucket ``name``; (granted, seconds to wait
    for the next one)."""
    if rate <= 0:
        return want, 0.0
    for _ in range(3):
        try:
            with transaction.atomic():
                b = RateBucket.objects.select_for_update().filter(name=name).first()
                if b is None:
                    b = RateBucket.objects.create(name=name, tokens=burst, at=timezone.now())
                granted, nb = ratelimit.take(ratelimit.Bucket(b.tokens, b.at), timezone.now(),
                                             rate=rate, burst=burst, want=want)
                RateBucket.objects.filter(name=name).update(tokens=nb.tokens, at=nb.at)
            return granted, ratelimit.wait_for_one(nb, rate=rate)
        except IntegrityError:  # two workers created the bucket at once: take again
            continue
    return 0, 1.0 / rate


def run_workers(concurrency: int, config: WorkerConfig, *, until_empty: bool,
                progress: Callable[[int], None] | None = None,
                stop: threading.Event | None = None) -> Counter[str]:
    """Run ``concurrency`` workers in threads; each has its own connections."""
    total: Counter[str] = Counter()
    workers = [Worker(config) for _ in range(max(1, concurrency))]
    if stop is not None:
        for w in workers:
            w.stop = stop
    lock = threading.Lock()

    def body(w: Worker) -> None:
        try:
            stats = w.run(until_empty=until_empty, progress=progress)
            with lock:
                total.update(stats)
        finally:
            connection.close()

    if len(workers) == 1:
        workers[0].run(until_empty=until_empty, progress=progress)
        return workers[0].stats
    close_old_connections()
    threads = [threading.Thread(target=body, args=(w,), daemon=True) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return total


def deliver_now(ids: Iterable[int]) -> Counter[str]:
    """Claim and send these rows at once (a reply mail right after its comment commits);
    a row another worker holds, or one that fails now, is left to ``tapereader worker``."""
    ids = list(ids)
    w = Worker(WorkerConfig(channels=(EMAIL,)))
    try:
        token, rows = claims.claim((EMAIL,), limit=len(ids), lease=w.config.lease, ids=ids)
        w.handle_rows(token, rows)
    finally:
        w.close()
    return w.stats


def iter_unfinished(post_ids: Iterable[int]) -> int:
    """How many rows of these posts are not done yet."""
    return Delivery.objects.filter(post_id__in=list(post_ids)).exclude(
        state__in=states.DONE).count()
