"""The outbox: one Delivery per (post, subscriber, channel), the shared rate bucket, and the
alert log that keeps alerts to one per symbol and kind per week (docs/delivery.md)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import states

EMAIL, SMS = "email", "sms"
REPLY_TOPIC = "comment_reply"


class Channel(models.TextChoices):
    EMAIL = EMAIL, "email"
    SMS = SMS, "SMS"


class Delivery(models.Model):
    """One message to send: a post to a subscriber on a channel, or (``comment`` set) the
    mail telling a commenter of a reply to their comment. Both kinds share the claim, the
    consent check at send time, the retries and the crash recovery."""

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="deliveries",
                             null=True, blank=True, help_text="Empty for a reply mail.")
    subscriber = models.ForeignKey("subscribers.Subscriber", on_delete=models.CASCADE,
                                   related_name="deliveries", null=True, blank=True)
    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="reply_deliveries",
                                help_text="Reply mails: the reply the commenter is told of.")
    commenter = models.ForeignKey("comments.Commenter", on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="reply_deliveries",
                                  help_text="Reply mails: whom (deleting their data deletes "
                                  "the row, so nothing goes out after it).")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    topic = models.CharField(max_length=20, help_text="What the subscriber asked for: "
                             "the daily note or alerts.")
    state = models.CharField(max_length=12, choices=states.CHOICES, default=states.QUEUED)
    not_before = models.DateTimeField(default=timezone.now,
                                      help_text="Not claimed earlier (backoff, quiet hours).")
    lease_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True,
                                      help_text="When the current attempt began.")
    attempts = models.PositiveSmallIntegerField(default=0)
    address = models.CharField(max_length=320, blank=True,
                               help_text="Where it went (email or E.164), set when sent.")
    message_id = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True, help_text="SMS: the exact text, fixed at the first "
                            "attempt so that a recovery can find it at the provider.")
    stop_notice = models.BooleanField(default=False)
    provider_id = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    recovery = models.TextField(blank=True, help_text="What a recovery after a crash decided.")
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True,
                                     help_text="Last provider status callback.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["post", "subscriber", "channel"],
                                    name="one_delivery_per_post_subscriber_channel"),
            models.UniqueConstraint(fields=["comment", "commenter", "channel"],
                                    condition=Q(comment__isnull=False),
                                    name="one_reply_mail_per_comment_commenter"),
            models.CheckConstraint(
                condition=(Q(comment__isnull=True, post__isnull=False,
                             subscriber__isnull=False)
                           | Q(comment__isnull=False, commenter__isnull=False,
                               subscriber__isnull=True)),
                name="delivery_is_a_post_or_a_reply_mail"),
        ]
        indexes: ClassVar = [
            # the claim's order (not_before, id) read straight off the index: no sort of
            # every queued row at each claim
            models.Index(fields=["state", "not_before", "id"], name="delivery_claim_order"),
            models.Index(fields=["channel", "provider_id"], name="delivery_provider"),
            models.Index(fields=["subscriber", "channel", "sent_at"], name="delivery_recent"),
        ]

    def __str__(self) -> str:
        if self.comment_id is not None:
            return f"reply {self.comment_id}/commenter {self.commenter_id}: {self.state}"
        return f"{self.post_id}/{self.subscriber_id}/{self.channel}: {self.state}"

    @property
    def is_reply(self) -> bool:
        return self.comment_id is not None


class RateBucket(models.Model):
    """A token bucket shared by every worker (``ratelimit.take``), locked while taking."""

    name = models.CharField(max_length=40, primary_key=True)
    tokens = models.FloatField(default=0.0)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name}: {self.tokens:.1f}"


class AlertLog(models.Model):
    """One alert per (symbol, kind, ISO week): the unique constraint is the rule."""

    symbol = models.CharField(max_length=20)
    kind = models.CharField(max_length=40)
    week = models.CharField(max_length=8, help_text="ISO year and week, e.g. 2013-W28.")
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="alert_logs")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["symbol", "kind", "week"],
                                    name="one_alert_per_symbol_kind_week"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.kind} {self.week}"


class TradeIdeas(models.Model):
    """The scan's setups for a daily note, computed once (``ideas.prepare_ideas``)."""

    post = models.OneToOneField("posts.Post", on_delete=models.CASCADE,
                                related_name="trade_ideas")
    ideas = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.post_id}: {len(self.ideas)} ideas"


class BounceReport(models.Model):
    """A message read from the bounce mailbox, once (by the SHA-256 of its bytes): the
    mailbox is only read, never changed, and a report is never applied twice."""

    sha256 = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=300, blank=True)
    hard = models.PositiveIntegerField(default=0, help_text="Hard bounces applied.")
    note = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.read_at:%Y-%m-%d %H:%M} {self.hard} hard ({self.note})"
