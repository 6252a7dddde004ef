"""The comment settings (settings.py's comments block), with their defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

DEFAULT_HOLD_WORDS = ("viagra", "cialis", "casino", "porn", "payday loan", "crypto giveaway",
                      "forex signals", "seo services", "backlinks", "escort")


@dataclass(frozen=True)
class CommentSettings:
    open_days: int | None  # comments close this many days after publication (None: never)
    min_seconds: float  # the least time between loading the form and posting it
    max_form_age: int  # seconds a form stays valid
    ip_limit: int  # comments per IP per window
    email_limit: int  # comments per email per window
    window: int  # seconds
    max_links: int  # more links than this hold the comment
    hold_words: tuple[str, ...]
    duplicate_days: int  # the same text within this many days is a duplicate
    ip_keep_days: int  # full IPs are kept this long, then truncated (/24, /48)
    max_length: int  # characters of comment text
    author_mail_every: int  # seconds between two "comments waiting" mails to the author


def comment_settings() -> CommentSettings:
    def g(name: str, default: Any) -> Any:
        return getattr(settings, "TAPEREADER_COMMENTS_" + name, default)

    return CommentSettings(
        open_days=g("OPEN_DAYS", 30), min_seconds=float(g("MIN_SECONDS", 3)),
        max_form_age=int(g("MAX_FORM_AGE", 2 * 86400)), ip_limit=int(g("IP_LIMIT", 5)),
        email_limit=int(g("EMAIL_LIMIT", 5)), window=int(g("WINDOW", 600)),
        max_links=int(g("MAX_LINKS", 2)), hold_words=tuple(g("HOLD_WORDS", DEFAULT_HOLD_WORDS)),
        duplicate_days=int(g("DUPLICATE_DAYS", 30)), ip_keep_days=int(g("IP_KEEP_DAYS", 30)),
        max_length=int(g("MAX_LENGTH", 5000)),
        author_mail_every=int(g("AUTHOR_MAIL_EVERY", 600)))
