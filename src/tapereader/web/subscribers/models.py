"""Subscribers, the versioned disclosure texts and the append-only consent ledger.

The ledger (``ConsentEvent``) is never updated or deleted by the application: the model and
its queryset refuse, and a database trigger (SQLite and PostgreSQL, migration 0002) aborts
any UPDATE or DELETE.  The personal details of an event (address, IP, user agent, page URL)
live beside it in ``ConsentEventDetail``, the one thing "delete all my data" removes; the
event keeps the SHA-256 of the address as proof of what was consented and revoked.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models.functions import Lower
from phonenumber_field.modelfields import PhoneNumberField


class Channel:
    EMAIL = "email"
    SMS = "sms"
    choices: ClassVar = [(EMAIL, "Email"), (SMS, "SMS")]


class Topic:
    DAILY = "daily"
    REVERSAL = "alert_reversal"
    TRENDLINE = "alert_trendline"
    choices: ClassVar = [(DAILY, "The daily note"),
                         (REVERSAL, "Alert: a one-day bearish reversal"),
                         (TRENDLINE, "Alert: a broken trend line")]


ALL_TOPICS = [value for value, _ in Topic.choices]


def default_topics() -> list[str]:
    return [Topic.DAILY]


class Subscriber(models.Model):
    """One reader: an email address and optionally a confirmed mobile number (E.164)."""

    email = models.EmailField(max_length=254)
    phone = PhoneNumberField(blank=True, help_text="Confirmed mobile number (E.164)")
    pending_phone = PhoneNumberField(blank=True, help_text="Awaiting a YES reply")
    timezone = models.CharField(max_length=64, default="America/New_York")
    topics = models.JSONField(default=default_topics)
    created_at = models.DateTimeField(auto_now_add=True)
    confirm_mail_sent_at = models.DateTimeField(null=True, blank=True)
    confirm_sms_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique")]

    def __str__(self) -> str:
        return f"subscriber #{self.pk}"


class Disclosure(models.Model):
    """One version of a consent text, stored once, with the SHA-256 of its exact words."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    version = models.PositiveIntegerField()
    text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["channel", "version"],
                                               name="disclosure_channel_version_unique")]

    def __str__(self) -> str:
        return f"{self.channel} v{self.version} ({self.sha256[:12]})"


class Event:
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    REVOKED = "revoked"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    RESUBSCRIBED = "resubscribed"
    choices: ClassVar = [(REQUESTED, "Requested"), (CONFIRMED, "Confirmed"),
                         (REVOKED, "Revoked"), (BOUNCED, "Bounced"),
                         (COMPLAINED, "Complained"), (RESUBSCRIBED, "Re-subscribed")]


class Source:
    FORM = "form"
    KEYWORD = "keyword"
    LINK = "link"
    ADMIN = "admin"
    IMPORT = "import"
    PROVIDER = "provider"
    ERASURE = "erasure"
    choices: ClassVar = [(FORM, "Web form"), (KEYWORD, "Reply keyword"),
                         (LINK, "Unsubscribe link or preference page"), (ADMIN, "Admin"),
                         (IMPORT, "Import"), (PROVIDER, "Provider (bounce, complaint, opt-out)"),
                         (ERASURE, "Deletion of the subscriber's data")]


class AppendOnly(Exception):
    """Raised when code tries to change or remove a ledger row."""


class LedgerQuerySet(models.QuerySet["ConsentEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("the consent ledger is append-only: no update")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("the consent ledger is append-only: no delete")


class ConsentEvent(models.Model):
    """One ledger row: what happened to consent on a channel for an address, and under
    which disclosure.  ``subscriber_id`` stays after the subscriber is deleted."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.DO_NOTHING, db_constraint=False,
                                   null=True, related_name="consent_events")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    event = models.CharField(max_length=16, choices=Event.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    address_sha256 = models.CharField(max_length=64, db_index=True)
    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, null=True, blank=True)
    disclosure_sha256 = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.channel} {self.event} ({self.source})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("the consent ledger is append-only: a saved event cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("the consent ledger is append-only: no delete")


class ConsentEventDetail(models.Model):
    """The personal part of a ledger row; removed only by ``erasure.delete_all_data``."""

    event = models.OneToOneField(ConsentEvent, on_delete=models.DO_NOTHING, db_constraint=False,
                                 primary_key=True, related_name="detail")
    address = models.CharField(max_length=254)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    page_url = models.CharField(max_length=1024, blank=True)
    note = models.CharField(max_length=512, blank=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("a ledger row's details cannot change")
        super().save(*args, **kwargs)
