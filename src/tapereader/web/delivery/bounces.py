"""The bounce mailbox: delivery status notifications (RFC 3464) that the mail server
drops in a Maildir folder or an mbox file (``TAPEREADER_BOUNCE_MAILBOX``) are read with the
standard ``mailbox`` module and applied by ``webhooks.handle_dsn``: a hard bounce marks its
delivery row undelivered and writes ``bounced`` to the ledger, which suppresses the address.

The mailbox is only read (the mail server owns it); each message is applied once, recorded
by the SHA-256 of its bytes in ``BounceReport``, so reading the same mailbox every day is
safe.
"""

from __future__ import annotations

import hashlib
import logging
import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction

from tapereader.data.errors import TapereaderError

log = logging.getLogger("tapereader.delivery")


class BounceMailboxError(TapereaderError):
    """The bounce mailbox setting names something that is not a mailbox."""


@dataclass
class BounceRun:
    read: int = 0      # messages in the mailbox
    new: int = 0       # not read before
    hard: int = 0      # hard bounces applied
    not_dsn: int = 0   # new messages that are no delivery report (auto-replies...)

    def line(self, path: Path) -> str:
        return (f"{path}: {self.read} message(s), {self.new} new, {self.hard} hard "
                f"bounce(s) applied, {self.not_dsn} not a delivery report")


def open_mailbox(path: Path) -> mailbox.Mailbox:
    """A Maildir folder (with cur/ and new/) or an mbox file, opened read-only in intent."""
    if path.is_dir():
        if not ((path / "new").is_dir() and (path / "cur").is_dir()):
            raise BounceMailboxError(f"bounce mailbox {path}: a folder without cur/ and new/ "
                                     "is not a Maildir")
        return mailbox.Maildir(str(path), factory=None, create=False)
    if path.is_file():
        return mailbox.mbox(str(path), create=False)
    raise BounceMailboxError(f"bounce mailbox {path}: no such Maildir folder or mbox file")


def messages(path: Path) -> Iterator[bytes]:
    """The raw bytes of every message of the mailbox at ``path``."""
    box = open_mailbox(path)
    try:
        for key in box.iterkeys():
            try:
                yield box.get_bytes(key)
            except (KeyError, OSError):  # removed by the mail server meanwhile
                continue
    finally:
        box.close()


def apply_report(raw: bytes) -> tuple[bool, int, bool]:
    """Apply one message once: (new, hard bounces applied, was a delivery report)."""
    import email
    import email.policy

    from .models import BounceReport
    from .webhooks import handle_dsn, parse_dsn

    digest = hashlib.sha256(raw).hexdigest()
    if BounceReport.objects.filter(sha256=digest).exists():
        return False, 0, True
    head = email.message_from_bytes(raw.split(b"\n\n", 1)[0] + b"\n\n",
                                    policy=email.policy.compat32)
    reports = parse_dsn(raw)
    try:
        with transaction.atomic():  # the record and its effects, or neither
            report = BounceReport.objects.create(
                sha256=digest, message_id=str(head.get("Message-ID", "") or "")[:300],
                note=("delivery report" if reports else "not a delivery report"))
            hard = handle_dsn(raw) if reports else 0
            if hard:
                BounceReport.objects.filter(pk=report.pk).update(hard=hard)
    except IntegrityError:  # another reader took it at the same moment
        return False, 0, True
    return True, hard, bool(reports)


def read_bounces(path: Path | str) -> BounceRun:
    """Apply every new delivery report of the mailbox at ``path``."""
    path = Path(path).expanduser()
    run = BounceRun()
    for raw in messages(path):
        run.read += 1
        new, hard, is_dsn = apply_report(raw)
        run.new += new
        run.hard += hard
        run.not_dsn += new and not is_dsn
    log.info("%s", run.line(path))
    return run
