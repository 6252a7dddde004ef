"""The two ways a send can fail: try again later, or never again for this recipient."""

from __future__ import annotations


class DeliveryError(Exception):
    """A send failed; ``reason`` is one line for the outbox row and the log."""

    def __init__(self, reason: str, *, code: int | None = None, maybe_sent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code              # the provider's error code (SMTP reply code, Twilio code)
        self.maybe_sent = maybe_sent  # the request may have reached the provider (a timeout)


class TransientError(DeliveryError):
    """Retry later with backoff: the provider or the network is down or busy."""


class PermanentError(DeliveryError):
    """Do not retry: the address is gone (hard bounce), or the number opted out (Twilio 21610)."""
