"""The consent texts shown next to the two boxes, versioned by their SHA-256.

The words come from ``disclosure_text(channel)`` (program name, contact and frequency from the
settings).  Each distinct text is stored once as a ``Disclosure`` with the next version number;
the form carries the hash of the text it showed, and the ledger records that version.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Channel, Disclosure

LINKS = {"Terms and Conditions": "/terms/", "Privacy Policy": "/privacy/"}


def disclosure_text(channel: str) -> str:
    """The exact words of the current consent text for ``channel`` (one paragraph)."""
    program = settings.TAPEREADER_PROGRAM_NAME
    if channel == Channel.EMAIL:
        return (f"Yes, email me {program}: the daily note after each market close and the "
                "alerts I chose. Every email has a link to unsubscribe at once. "
                "See the Terms and Conditions and the Privacy Policy.")
    if channel == Channel.SMS:
        return (f"Yes, send automated text messages from {program} to the mobile number above: "
                "the headline of the daily note with a link, and the alerts I chose. "
                f"Message frequency: {settings.TAPEREADER_SMS_FREQUENCY}. "
                "Consent is not a condition of purchase. Msg & data rates may apply. "
                "Reply HELP for help, STOP to cancel. "
                "See the Terms and Conditions and the Privacy Policy.")
    raise ValueError(f"unknown channel {channel!r}")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current(channel: str) -> Disclosure:
    """The Disclosure row of today's text for ``channel``, stored (once) if it is new."""
    text = disclosure_text(channel)
    digest = sha256_text(text)
    found = Disclosure.objects.filter(sha256=digest).first()
    if found:
        return found
    for _ in range(3):  # two processes storing a new version at once: one wins, both agree
        last = Disclosure.objects.filter(channel=channel).order_by("-version").first()
        try:
            with transaction.atomic():
                return Disclosure.objects.create(channel=channel, text=text, sha256=digest,
                                                 version=(last.version + 1) if last else 1)
        except IntegrityError:
            found = Disclosure.objects.filter(sha256=digest).first()
            if found:
                return found
    raise RuntimeError(f"could not store the {channel} disclosure")


def by_hash(channel: str, digest: str) -> Disclosure | None:
    """The stored disclosure of ``channel`` with this hash (what a submitted page showed)."""
    return Disclosure.objects.filter(channel=channel, sha256=digest).first()


def as_html(text: str) -> SafeString:
    """The text escaped, with the Terms and Privacy names linked (the words stay the same)."""
    html = escape(text)
    for words, url in LINKS.items():
        html = html.replace(escape(words), f'<a href="{url}">{escape(words)}</a>')
    return mark_safe(html)  # built from escaped text and our own fixed links
