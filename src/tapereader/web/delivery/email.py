"""The email channel: SMTP, a folder of .eml files (the embedded default), or django-anymail.

``TAPEREADER_EMAIL_URL`` names the backend:

- ``smtp://user:pass@host:port?tls=1`` (STARTTLS; ``ssl=1`` or ``smtps://`` for implicit TLS,
  ``timeout=`` seconds);
- ``file:///folder``: every message written atomically as one ``.eml`` file (the default, under the
  user data directory, so a new install shows what would have been sent);
- ``anymail://<esp>`` (``anymail://postmark``, ``anymail://amazon_ses``...): django-anymail's
  backend for that provider, configured by its own ``ANYMAIL`` setting;
- ``locmem://`` Django's in-memory outbox (tests).

``EmailChannel().send(message, message_id=key)`` sends a Django ``EmailMessage`` and returns its
Message-ID (the provider's id for anymail).  A caller-provided ``message_id`` key gives a stable
``<key@domain>`` Message-ID, so the same (post, subscriber) is the same message on every attempt.
Failures are raised as ``TransientError`` (retry) or ``PermanentError`` (hard bounce).
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import socket
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from .errors import PermanentError, TransientError

_TRUE = {"1", "true", "yes", "on"}
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class EmailBackendConfig:
    """A parsed ``TAPEREADER_EMAIL_URL``: the Django backend path and its keyword arguments."""

    backend: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def is_anymail(self) -> bool:
        return self.backend.startswith("anymail.")


def parse_email_url(url: str) -> EmailBackendConfig:
    """``TAPEREADER_EMAIL_URL`` -> EmailBackendConfig; ValueError naming what is wrong."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise ValueError(f"TAPEREADER_EMAIL_URL: no host in {_redact(url)!r}")
        ssl = scheme == "smtps" or query.get("ssl", "").lower() in _TRUE
        tls = query.get("tls", "").lower() in _TRUE
        if ssl and tls:
            raise ValueError("TAPEREADER_EMAIL_URL: choose tls=1 (STARTTLS) or ssl=1, not both")
        options: dict[str, Any] = {
            "host": parts.hostname, "port": parts.port or (465 if ssl else 25),
            "username": unquote(parts.username or ""), "password": unquote(parts.password or ""),
            "use_tls": tls, "use_ssl": ssl, "timeout": float(query.get("timeout", "30")),
        }
        return EmailBackendConfig("django.core.mail.backends.smtp.EmailBackend", options)
    if scheme == "file":
        if not parts.path:
            raise ValueError(f"TAPEREADER_EMAIL_URL: no folder in {url!r}")
        return EmailBackendConfig("tapereader.web.delivery.email.EmlFolderBackend",
                                  {"folder": unquote(parts.path)})
    if scheme == "anymail":
        esp = parts.netloc or parts.path.strip("/")
        if not re.fullmatch(r"[a-z_]+", esp):
            raise ValueError(f"TAPEREADER_EMAIL_URL: expected anymail://<esp>, got {url!r}")
        return EmailBackendConfig(f"anymail.backends.{esp}.EmailBackend")
    if scheme == "locmem":
        return EmailBackendConfig("django.core.mail.backends.locmem.EmailBackend")
    raise ValueError(f"TAPEREADER_EMAIL_URL: unknown scheme {parts.scheme!r} in {_redact(url)!r} "
                     "(expected smtp://, smtps://, file:///folder, anymail://<esp> or locmem://)")


def _redact(url: str) -> str:
    return re.sub(r"//([^:@/]*):[^@/]*@", r"//\1:***@", url)


class EmlFolderBackend(BaseEmailBackend):
    """Write each message as ``<time>-<uuid>.eml`` in ``folder``: temp file, fsync, rename."""

    def __init__(self, folder: str | os.PathLike[str] | None = None, fail_silently: bool = False,
                 **kwargs: Any) -> None:
        from django.conf import settings

        super().__init__(fail_silently=fail_silently)
        self.folder = Path(folder or settings.TAPEREADER_EMAIL_DIR)

    def send_messages(self, email_messages: Any) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        count = 0
        for message in email_messages:
            data = message.message().as_bytes(linesep="\r\n")
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".eml")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.folder / f"{stamp}-{uuid.uuid4().hex}.eml")
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                if not self.fail_silently:
                    raise
                continue
            count += 1
        return count


def mail_domain() -> str:
    """The domain of our Message-IDs: ``TAPEREADER_MAIL_DOMAIN``, else the site URL's host."""
    from django.conf import settings

    domain = getattr(settings, "TAPEREADER_MAIL_DOMAIN", "") or ""
    if not domain:
        site = getattr(settings, "SITE_URL", "") or getattr(settings, "TAPEREADER_SITE_URL", "")
        domain = urlsplit(site or "").hostname or ""
    return domain or "tapereader.invalid"


def stable_message_id(key: str) -> str:
    """``<key@domain>`` for a caller's key such as ``post-17.sub-42``; the same key, the same id."""
    clean = re.sub(r"[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]", "-", key)
    return f"<{clean}@{mail_domain()}>"


def classify_smtp_error(e: BaseException) -> Exception:
    """An SMTP or network failure -> TransientError (4xx, network) or PermanentError (5xx)."""
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in e.recipients.values()]
        detail = "; ".join(f"{a}: {c} {m.decode(errors='replace') if isinstance(m, bytes) else m}"
                           for a, (c, m) in e.recipients.items())
        if codes and all(c >= 500 for c in codes):
            return PermanentError(f"smtp refused recipient: {detail}", code=max(codes))
        return TransientError(f"smtp refused recipient for now: {detail}", code=min(codes or [0]))
    if isinstance(e, smtplib.SMTPResponseException):
        text = e.smtp_error.decode(errors="replace") if isinstance(e.smtp_error, bytes) \
            else str(e.smtp_error)
        reason = f"smtp {e.smtp_code}: {text}"
        if 500 <= e.smtp_code < 600 and not isinstance(e, smtplib.SMTPAuthenticationError):
            return PermanentError(reason, code=e.smtp_code)
        return TransientError(reason, code=e.smtp_code)
    maybe = isinstance(e, smtplib.SMTPServerDisconnected | socket.timeout | TimeoutError)
    return TransientError(f"smtp unreachable: {type(e).__name__}: {e}", maybe_sent=maybe)


def classify_anymail_error(e: BaseException) -> Exception:
    """An anymail failure -> TransientError (provider busy or down) or PermanentError."""
    from anymail.exceptions import AnymailRecipientsRefused

    if isinstance(e, AnymailRecipientsRefused):
        return PermanentError(f"provider refused recipient: {e}")
    status = getattr(e, "status_code", None) or getattr(getattr(e, "response", None),
                                                        "status_code", None)
    if status is None or status == 429 or status >= 500:
        return TransientError(f"provider error {status}: {e}", code=status)
    return PermanentError(f"provider error {status}: {e}", code=status)


class EmailChannel:
    """The email transport over one reusable connection; ``with EmailChannel() as ch: ...``."""

    def __init__(self, url: str | None = None) -> None:
        from django.conf import settings

        self.config = parse_email_url(url or settings.TAPEREADER_EMAIL_URL)
        self._connection: BaseEmailBackend | None = None
        self._senders: dict[str, str] = {}

    def __enter__(self) -> EmailChannel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> BaseEmailBackend:
        if self._connection is None:
            conn = get_connection(self.config.backend, fail_silently=False,
                                  **self.config.options)
            # h16: open it here, so send_messages reuses the session instead of opening and
            # closing an SMTP connection per message (Django closes one it opened itself)
            conn.open()
            self._connection = conn
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # a dead connection: nothing left to close
                self._connection.close()
            self._connection = None

    def _send_raw(self, message: EmailMessage) -> bool:
        """A message whose bytes are ready (``mail.RawEmail``, one plain ASCII recipient)
        goes straight to the SMTP session: what Django's SMTP backend does, without parsing
        the sender's and the recipient's addresses again for every message. False: use the
        backend."""
        raw = getattr(message, "raw", None)
        to = message.to[0] if len(message.to) == 1 and not message.cc and not message.bcc \
            else ""
        if not raw or not _PLAIN_ADDRESS.fullmatch(to) or \
                not self.config.backend.endswith("smtp.EmailBackend"):
            return False
        conn: Any = self.connection
        if conn.connection is None:
            return False
        sender = self._senders.get(message.from_email)
        if sender is None:
            from django.core.mail.message import sanitize_address

            sender = sanitize_address(message.from_email, message.encoding or "utf-8")
            self._senders[message.from_email] = sender
        conn.connection.sendmail(sender, [to], message.message().as_bytes(linesep="\r\n"))
        return True

    def send(self, message: EmailMessage, *, message_id: str | None = None) -> str:
        """Send ``message``; returns its Message-ID (the provider's id for anymail).

        ``message_id`` is a key (``post-17.sub-42``) or a full ``<id@domain>``; without one the
        message keeps the Message-ID in its headers or gets a fresh one on our domain.
        """
        from django.core.mail import make_msgid

        if message_id:
            mid = message_id if message_id.startswith("<") else stable_message_id(message_id)
        else:
            mid = message.extra_headers.get("Message-ID") or make_msgid(domain=mail_domain())
        message.extra_headers["Message-ID"] = mid
        message.connection = None
        try:
            if self._send_raw(message):
                return mid
            sent = self.connection.send_messages([message])
        except Exception as e:
            self.close()  # the session may be half-way through a transaction
            if self.config.is_anymail:
                raise classify_anymail_error(e) from e
            if isinstance(e, smtplib.SMTPException | OSError):
                raise classify_smtp_error(e) from e
            raise
        if not sent:
            raise TransientError("the email backend accepted nothing")
        status = getattr(message, "anymail_status", None)
        if status is not None and getattr(status, "message_id", None):
            return str(status.message_id)
        return mid
