"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts.

Use the ``smtp_sink`` fixture (import it into your conftest.py or test module)::

    from tests.web.fakes.smtp_sink import smtp_sink  # noqa: F401

    def test_mail(smtp_sink):
        smtplib.SMTP(smtp_sink.host, smtp_sink.port).sendmail(...)
        smtp_sink.wait_for(1)
        msg = smtp_sink.messages[0]          # email.message.EmailMessage (policy default)

``smtp_sink.url`` is a ``TAPEREADER_EMAIL_URL`` for it.  ``reject(address, code, text)``
makes the server refuse a recipient (5xx: a hard bounce, 4xx: a transient failure).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class Received:
    """One accepted message: the envelope and the raw bytes as they came over the wire."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        """The message parsed with policy default (line endings as ``\n``)."""
        msg = email.message_from_bytes(self.raw.replace(b"\r\n", b"\n"),
                                       policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    rejects: dict[str, tuple[int, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        with self.lock:
            rejected = self.rejects.get(address.lower())
        if rejected:
            return f"{rejected[0]} {rejected[1]}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or envelope.content or b""
        raw = data if isinstance(data, bytes) else data.encode()
        item = Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), raw)
        with self.lock:
            self.received.append(item)
        return "250 Message accepted"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 collecting every message; start() / stop()."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self._handler = _Handler()
        self.port = free_port(self.host)
        self._controller = Controller(self._handler, hostname=self.host, port=self.port)

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def received(self) -> list[Received]:
        with self._handler.lock:
            return list(self._handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope included ``address``."""
        a = address.lower()
        return [r.message for r in self.received if a in (t.lower() for t in r.rcpt_tos)]

    def clear(self) -> None:
        with self._handler.lock:
            self._handler.received.clear()

    def reject(self, address: str, code: int = 550, text: str = "5.1.1 No such user") -> None:
        """Refuse RCPT TO ``address`` with ``code`` (550: hard bounce, 451: try later)."""
        with self._handler.lock:
            self._handler.rejects[address.lower()] = (code, text)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until at least ``count`` messages arrived; AssertionError after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} messages at the SMTP sink, "
                                     f"got {len(self.received)} in {timeout} s")
            time.sleep(0.02)
        return self.messages


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A running SmtpSink for one test."""
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()
