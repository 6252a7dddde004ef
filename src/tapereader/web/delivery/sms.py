"""The SMS channel: Twilio through the real ``twilio`` client, or a folder of files.

``SmsChannel()`` reads the settings (``TAPEREADER_SMS_URL``, else Twilio when
``TWILIO_ACCOUNT_SID``/``TWILIO_AUTH_TOKEN``/``TAPEREADER_SMS_FROM`` are set, else the file backend
in the user data directory).  ``send(to, body)`` returns the provider's message id;
``sent_since(to, since)`` lists the ids of messages sent to ``to`` at or after ``since``, which the
worker asks before re-sending a message found in flight after a crash.
``TAPEREADER_TWILIO_API`` replaces ``https://api.twilio.com`` (a fake API in tests).
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

from .errors import PermanentError, TransientError

# Twilio errors that will not change on retry (https://www.twilio.com/docs/api/errors).
PERMANENT_CODES = {
    21211,  # invalid To number
    21408,  # region not enabled
    21610,  # the recipient replied STOP
    21612,  # To not reachable via this From
    21614,  # To is not a mobile number
    30004,  # message blocked
    30005,  # unknown destination
    30006,  # landline or unreachable carrier
}
TRANSIENT_CODES = {20429, 20003, 30001, 30008}  # too many requests, auth (config), queue, unknown


class BaseUrlHttpClient(TwilioHttpClient):
    """The twilio client's HTTP client, sending requests for *.twilio.com to ``base_url``."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.endswith("twilio.com"):
            url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().request(method, url, *args, **kwargs)


class SmsBackend(Protocol):
    def send(self, to: str, body: str, *, status_callback: str | None = None) -> str: ...
    def sent_since(self, to: str, since: datetime) -> list[str]: ...
    def messages_since(self, to: str, since: datetime) -> list[tuple[str, str]]: ...


@dataclass
class TwilioBackend:
    """Twilio's Messages API through ``twilio.rest.Client``."""

    account_sid: str
    auth_token: str
    from_number: str
    api_base: str = ""
    timeout: float = 15.0

    def __post_init__(self) -> None:
        from twilio.rest import Client

        http = (BaseUrlHttpClient(self.api_base, timeout=self.timeout) if self.api_base
                else TwilioHttpClient(timeout=self.timeout))
        self.client = Client(self.account_sid, self.auth_token, http_client=http)

    def send(self, to: str, body: str, *, status_callback: str | None = None) -> str:
        from twilio.base.exceptions import TwilioRestException

        kwargs: dict[str, Any] = {"to": to, "from_": self.from_number, "body": body}
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            msg = self.client.messages.create(**kwargs)
        except TwilioRestException as e:
            raise classify_twilio_error(e.status, e.code, str(e.msg)) from e
        except Exception as e:  # requests' connection errors and timeouts
            raise _network_error(e) from e
        return str(msg.sid)

    def sent_since(self, to: str, since: datetime) -> list[str]:
        return [sid for sid, _ in self.messages_since(to, since)]

    def messages_since(self, to: str, since: datetime) -> list[tuple[str, str]]:
        """(sid, body) of the messages sent to ``to`` since ``since`` (h16: crash recovery
        matches the body, so another text to the same number is not taken for ours).
        Twilio's DateSent filter may be by day: keep what was created at or after ``since``."""
        from twilio.base.exceptions import TwilioRestException

        since = _utc(since)
        try:
            found = self.client.messages.list(to=to, date_sent_after=since, limit=1000)
        except TwilioRestException as e:
            raise classify_twilio_error(e.status, e.code, str(e.msg)) from e
        except Exception as e:
            raise _network_error(e) from e
        return [(str(m.sid), str(m.body or "")) for m in found
                if m.date_created is None or _utc(m.date_created) >= since.replace(microsecond=0)]


def classify_twilio_error(status: int, code: int | None, message: str) -> Exception:
    """A Twilio API failure -> TransientError (retry) or PermanentError (stop)."""
    code = code or status
    reason = f"twilio {code}: {message}"
    if code in PERMANENT_CODES:
        return PermanentError(reason, code=code)
    if code in TRANSIENT_CODES or status == 429 or status >= 500:
        return TransientError(reason, code=code)
    return PermanentError(reason, code=code)


def _network_error(e: Exception) -> TransientError:
    import requests

    maybe = isinstance(e, requests.Timeout)   # the request may have reached Twilio
    return TransientError(f"twilio unreachable: {type(e).__name__}: {e}", maybe_sent=maybe)


def _utc(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


@dataclass
class FileBackend:
    """One JSON file per text in ``folder`` (written atomically): the embedded default."""

    folder: Path

    def send(self, to: str, body: str, *, status_callback: str | None = None) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC)
        sid = "file-" + uuid.uuid4().hex
        record = {"sid": sid, "to": to, "body": body, "date_sent": now.isoformat()}
        name = f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{sid}.json"
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(record, f, ensure_ascii=False)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sid

    def messages(self) -> list[dict[str, str]]:
        """Every text in the folder, oldest first."""
        if not self.folder.is_dir():
            return []
        return [json.loads(p.read_text(encoding="utf-8"))
                for p in sorted(self.folder.glob("*-file-*.json"))]

    def sent_since(self, to: str, since: datetime) -> list[str]:
        since = _utc(since)
        return [m["sid"] for m in self.messages()
                if m["to"] == to and datetime.fromisoformat(m["date_sent"]) >= since]

    def messages_since(self, to: str, since: datetime) -> list[tuple[str, str]]:
        since = _utc(since)
        return [(m["sid"], m["body"]) for m in self.messages()
                if m["to"] == to and datetime.fromisoformat(m["date_sent"]) >= since]


def backend_from_settings() -> SmsBackend:
    """The SMS backend the settings name (see the module docstring)."""
    from django.conf import settings

    url = getattr(settings, "TAPEREADER_SMS_URL", "") or ""
    sid = getattr(settings, "TWILIO_ACCOUNT_SID", "") or ""
    if url.startswith("file://"):
        return FileBackend(Path(urlsplit(url).path))
    if url.startswith("twilio:") or (not url and sid):
        return TwilioBackend(sid, settings.TWILIO_AUTH_TOKEN, settings.TAPEREADER_SMS_FROM,
                             getattr(settings, "TAPEREADER_TWILIO_API", "") or "")
    if url:
        raise ValueError(f"TAPEREADER_SMS_URL: unknown scheme in {url!r} "
                         "(expected file:///folder or twilio://)")
    return FileBackend(Path(settings.TAPEREADER_SMS_DIR))


class SmsChannel:
    """The SMS transport: ``send`` -> message id; errors as TransientError/PermanentError."""

    def __init__(self, backend: SmsBackend | None = None) -> None:
        self.backend = backend or backend_from_settings()

    def send(self, to: str, body: str, *, status_callback: str | None = None) -> str:
        """Send ``body`` to the E.164 number ``to``; returns the provider's message id."""
        return self.backend.send(to, body, status_callback=status_callback)

    def sent_since(self, to: str, since: datetime) -> list[str]:
        """Ids of the messages sent to ``to`` at or after ``since`` (for crash recovery)."""
        return self.backend.sent_since(to, since)

    def messages_since(self, to: str, since: datetime) -> list[tuple[str, str]]:
        """(id, body) of the messages sent to ``to`` at or after ``since`` (crash recovery)."""
        return self.backend.messages_since(to, since)
