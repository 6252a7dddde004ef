"""Optional DKIM signing (dkimpy) of outgoing mail, when a key is configured:
``TAPEREADER_DKIM_KEY`` (path of a PEM private key), ``TAPEREADER_DKIM_SELECTOR`` and
``TAPEREADER_DKIM_DOMAIN`` (default: the mail domain)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import dkim
from django.conf import settings

SIGNED_HEADERS = (b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
                  b"content-type", b"list-unsubscribe", b"list-unsubscribe-post")


@dataclass(frozen=True)
class DkimKey:
    selector: str
    domain: str
    private_key: bytes


@lru_cache(maxsize=4)
def _read_key(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise ValueError(f"TAPEREADER_DKIM_KEY: cannot read {path}: {e.strerror}") from None


def configured_key() -> DkimKey | None:
    """The configured key, or None when DKIM is off."""
    path = str(getattr(settings, "TAPEREADER_DKIM_KEY", "") or "")
    if not path:
        return None
    from .email import mail_domain

    selector = str(getattr(settings, "TAPEREADER_DKIM_SELECTOR", "") or "tapereader")
    domain = str(getattr(settings, "TAPEREADER_DKIM_DOMAIN", "") or mail_domain())
    return DkimKey(selector, domain, _read_key(path))


def signature_header(raw: bytes, key: DkimKey) -> str:
    """The value of the DKIM-Signature header for the message bytes ``raw`` (CRLF lines)."""
    present = {line.split(b":", 1)[0].strip().lower()
               for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
               if line and not line[:1].isspace() and b":" in line}
    headers = [h for h in SIGNED_HEADERS if h in present]
    sig = dkim.sign(raw, key.selector.encode(), key.domain.encode(), key.private_key,
                    canonicalize=(b"relaxed", b"relaxed"), include_headers=headers)
    name, value = sig.decode().split(":", 1)
    assert name.lower() == "dkim-signature"
    return " ".join(value.split())


def sign_mime(msg: Any, key: DkimKey) -> Any:
    """Add a DKIM-Signature header to the MIME message ``msg`` (Django's SafeMIME...)."""
    raw = msg.as_bytes(linesep="\r\n")
    msg["DKIM-Signature"] = signature_header(raw, key)
    return msg
