"""Comments under posts, the commenters (their email, never shown publicly) and blocks."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from .moderation import HELD, PUBLIC, SPAMMED


class Commenter(models.Model):
    """One email address that commented. Tokens in mails name it by id; approval is derived
    from its comments (an approved comment makes the next ones public)."""

    email = models.EmailField(max_length=254, unique=True, help_text="Never shown publicly.")
    created = models.DateTimeField(default=timezone.now)
    replies_unsubscribed_at = models.DateTimeField(
        null=True, blank=True, help_text="Asked (by the link in a mail) for no more reply mails.")

    def __str__(self) -> str:
        return self.email

    @property
    def approved(self) -> bool:
        return self.comments.filter(status=Comment.Status.PUBLIC).exists()


class CommentQuerySet(models.QuerySet):
    def public(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.PUBLIC)

    def held(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.HELD)


class Comment(models.Model):
    class Status(models.TextChoices):
        HELD = HELD, "held for moderation"
        PUBLIC = PUBLIC, "public"
        SPAM = SPAMMED, "spam"

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="replies")
    commenter = models.ForeignKey(Commenter, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="comments", help_text="Empty for the author's "
                                  "replies from the admin.")
    by_author = models.BooleanField(default=False)
    name = models.CharField(max_length=100)
    website = models.URLField(max_length=500, blank=True)
    body = models.TextField(help_text="As written (Markdown subset); sanitized on output.")
    body_hash = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    reasons = models.JSONField(default=list, blank=True,
                               help_text="The rules that held it, or marked it spam.")
    notify = models.BooleanField(default=False, help_text="Asked for reply mails.")
    ip = models.GenericIPAddressField(null=True, blank=True, unpack_ipv4=True)
    ip_truncated = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    reply_mail_sent_at = models.DateTimeField(null=True, blank=True, editable=False,
                                              help_text="When the parent's author was told.")

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["created", "id"]
        indexes: ClassVar = [models.Index(fields=["post", "status", "created"]),
                             models.Index(fields=["status", "created"])]

    def __str__(self) -> str:
        from .sanitizer import excerpt

        return f"#{self.pk} {self.name}: {excerpt(self.body, 40)}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    @property
    def depth(self) -> int:
        d, c = 0, self
        while c.parent_id is not None and d < 10:
            c = c.parent  # type: ignore[assignment]
            d += 1
        return d

    def reason_text(self) -> str:
        return "; ".join(f"{r.get('rule')}: {r.get('detail')}" for r in self.reasons or [])


BLOCK_EMAIL, BLOCK_IP = "email", "ip"


class Block(models.Model):
    class Kind(models.TextChoices):
        EMAIL = BLOCK_EMAIL, "email address"
        IP = BLOCK_IP, "IP address"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    value = models.CharField(max_length=254)
    created = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["kind", "value"],
                                                         name="comment_block_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class HeldComment(Comment):
    """The moderation queue in the admin: held comments with their reasons."""

    class Meta:
        proxy = True
        verbose_name = "held comment"
        verbose_name_plural = "moderation queue"
