"""The outbox: one Delivery per (post, subscriber, channel), the shared rate bucket, and the
alert log that keeps alerts to one per symbol and kind per week (docs/delivery.md)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from . import states

EMAIL, SMS = "email", "sms"


class Channel(models.TextChoices):
    EMAIL = EMAIL, "email"
    SMS = SMS, "SMS"


class Delivery(models.Model):
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey("subscribers.Subscriber", on_delete=models.CASCADE,
                                   related_name="deliveries")
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
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "not_before"], name="delivery_claim"),
            models.Index(fields=["channel", "provider_id"], name="delivery_provider"),
            models.Index(fields=["subscriber", "channel", "sent_at"], name="delivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}/{self.subscriber_id}/{self.channel}: {self.state}"


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
