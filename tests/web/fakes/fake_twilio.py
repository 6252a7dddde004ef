"""A fake Twilio REST API on 127.0.0.1: the Messages subset that ``twilio.rest.Client`` uses.

- ``POST /2010-04-01/Accounts/{sid}/Messages.json`` creates a message (``SM…`` sid, status
  ``queued``, ``date_sent`` set at creation) and answers 201 with its JSON;
- ``GET  /2010-04-01/Accounts/{sid}/Messages.json`` lists them, newest first, filtered by ``To``,
  ``From``, ``DateSent>`` / ``DateSent<`` / ``DateSent`` (a date or an ISO 8601 time), paged;
- ``GET  /2010-04-01/Accounts/{sid}/Messages/{sid}.json`` fetches one.

Every request is recorded (``requests``).  Wrong credentials get 401 (error 20003);
``unsubscribed(number)`` makes sending to that number fail with error 21610 (400);
``fail_next(n, status)`` fails the next ``n`` creates (e.g. 503, or 429 with error 20429), without
creating anything; ``deliver(sid, status)`` posts a signed status callback to the message's
``StatusCallback`` URL; ``signature(url, params)`` signs a webhook (inbound SMS) as Twilio does.

Use the ``fake_twilio`` fixture; ``fake_twilio.client()`` is a real ``twilio.rest.Client`` pointed
at it, and ``fake_twilio.env`` holds the settings (``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``,
``TAPEREADER_SMS_FROM``, ``TAPEREADER_TWILIO_API``) for the application's SmsChannel.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-auth-token-0123456789abcdef"
FROM_NUMBER = "+15005550006"

_LIST = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages\.json$")
_ONE = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages/(?P<sid>SM\w+)\.json$")

ERRORS = {
    21610: "Attempt to send to unsubscribed recipient",
    21211: "Invalid 'To' Phone Number",
    20429: "Too Many Requests",
    20003: "Authenticate",
}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    headers: dict[str, str]


def _parse_when(value: str) -> tuple[datetime, bool]:
    """A DateSent filter value -> (UTC time, whether it was a bare date)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC), True
    t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (t if t.tzinfo else t.replace(tzinfo=UTC)), False


class FakeTwilio:
    """The fake API server; ``start()`` / ``stop()``; state is guarded by one lock."""

    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: list[dict[str, Any]] = []
        self.requests: list[RecordedRequest] = []
        self._errors: dict[str, int] = {}
        self._fail: list[tuple[int, int]] = []   # (http status, twilio code) per next create
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.callbacks: list[tuple[str, dict[str, str], int]] = []

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def env(self) -> dict[str, str]:
        return {"TWILIO_ACCOUNT_SID": self.account_sid, "TWILIO_AUTH_TOKEN": self.auth_token,
                "TAPEREADER_SMS_FROM": FROM_NUMBER, "TAPEREADER_TWILIO_API": self.base_url}

    def start(self) -> FakeTwilio:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def client(self) -> Any:
        """A real ``twilio.rest.Client`` whose requests go to this server."""
        from twilio.rest import Client

        from tapereader.web.delivery.sms import BaseUrlHttpClient

        return Client(self.account_sid, self.auth_token,
                      http_client=BaseUrlHttpClient(self.base_url, timeout=10))

    # -- test controls -------------------------------------------------------------------
    def unsubscribed(self, number: str, code: int = 21610) -> None:
        """Sending to ``number`` fails with Twilio error ``code`` (21610: replied STOP)."""
        with self._lock:
            self._errors[number] = code

    def fail_next(self, count: int = 1, status: int = 503, code: int = 0) -> None:
        """The next ``count`` creates fail with HTTP ``status`` (and Twilio ``code``)."""
        with self._lock:
            self._fail.extend([(status, code)] * count)

    def sent_to(self, number: str) -> list[dict[str, Any]]:
        with self._lock:
            return [m for m in self.messages if m["to"] == number]

    def signature(self, url: str, params: dict[str, str]) -> str:
        """The ``X-Twilio-Signature`` Twilio would send for a POST of ``params`` to ``url``."""
        return str(RequestValidator(self.auth_token).compute_signature(url, params))

    def deliver(self, sid: str, status: str = "delivered", error_code: int | None = None) -> int:
        """Set a message's status and POST the signed status callback; returns the HTTP code."""
        with self._lock:
            msg = next(m for m in self.messages if m["sid"] == sid)
            msg["status"] = status
            msg["error_code"] = error_code
            url = str(msg.get("_callback") or "")
        if not url:
            return 0
        params = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
                  "AccountSid": self.account_sid, "To": msg["to"], "From": msg["from"]}
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        req = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(),
                                     headers={"X-Twilio-Signature": self.signature(url, params)})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                code = int(resp.status)
        except urllib.error.HTTPError as e:
            code = e.code
        self.callbacks.append((url, params, code))
        return code

    # -- the API -------------------------------------------------------------------------
    def _authorized(self, headers: dict[str, str]) -> bool:
        want = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return headers.get("Authorization", "") == f"Basic {want}"

    def _public(self, m: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in m.items() if not k.startswith("_")}

    def _create(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        to = form.get("To", "")
        with self._lock:
            if self._fail:
                status, code = self._fail.pop(0)
                return status, self._error(code or status, status)
            if to in self._errors:
                return 400, self._error(self._errors[to], 400)
            if not to or not form.get("Body") or not (form.get("From")
                                                      or form.get("MessagingServiceSid")):
                return 400, self._error(21211 if not to else 21602, 400)
            now = datetime.now(UTC)
            sid = "SM" + secrets.token_hex(16)
            stamp = format_datetime(now, usegmt=True)
            msg: dict[str, Any] = {
                "sid": sid, "account_sid": self.account_sid, "to": to,
                "from": form.get("From") or FROM_NUMBER, "body": form["Body"],
                "status": "queued", "num_segments": "1", "direction": "outbound-api",
                "date_created": stamp, "date_updated": stamp, "date_sent": stamp,
                "price": None, "price_unit": "USD", "error_code": None, "error_message": None,
                "api_version": "2010-04-01", "messaging_service_sid": None, "num_media": "0",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
                "subresource_uris": {}, "_created": now,
                "_callback": form.get("StatusCallback", ""),
            }
            self.messages.append(msg)
            return 201, self._public(msg)

    def _error(self, code: int, status: int) -> dict[str, Any]:
        return {"code": code, "message": ERRORS.get(code, f"error {code}"),
                "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}

    def _list(self, query: dict[str, str], path: str) -> dict[str, Any]:
        with self._lock:
            found = list(reversed(self.messages))
        if "To" in query:
            found = [m for m in found if m["to"] == query["To"]]
        if "From" in query:
            found = [m for m in found if m["from"] == query["From"]]
        for key in ("DateSent>", "DateSent<", "DateSent"):
            if key not in query:
                continue
            when, bare = _parse_when(query[key])
            if key == "DateSent>":
                found = [m for m in found if m["_created"] >= when]
            elif key == "DateSent<":
                found = [m for m in found
                         if (m["_created"].date() <= when.date() if bare
                             else m["_created"] <= when)]
            else:
                found = [m for m in found if m["_created"].date() == when.date()]
        size = max(1, min(1000, int(query.get("PageSize", "50"))))
        page = int(query.get("Page", "0"))
        chunk = found[page * size:(page + 1) * size]

        def uri(p: int) -> str:
            q = {k: v for k, v in query.items() if k not in ("Page", "PageSize", "PageToken")}
            q.update({"Page": str(p), "PageSize": str(size)})
            return f"{path}?{urllib.parse.urlencode(q)}"

        more = (page + 1) * size < len(found)
        return {"messages": [self._public(m) for m in chunk], "page": page, "page_size": size,
                "start": page * size, "end": page * size + max(0, len(chunk) - 1),
                "first_page_uri": uri(0), "previous_page_uri": uri(page - 1) if page else None,
                "next_page_uri": uri(page + 1) if more else None, "uri": uri(page)}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _record(self, form: dict[str, list[str]]) -> tuple[str, dict[str, list[str]]]:
                parts = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
                with fake._lock:
                    fake.requests.append(RecordedRequest(self.command, parts.path, query, form,
                                                         dict(self.headers.items())))
                return parts.path, query

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                form = urllib.parse.parse_qs(raw, keep_blank_values=True)
                path, _ = self._record(form)
                if not fake._authorized(dict(self.headers.items())):
                    return self._send(401, fake._error(20003, 401))
                m = _LIST.match(path)
                if not m or m["account"] != fake.account_sid:
                    return self._send(404, fake._error(20404, 404))
                self._send(*fake._create({k: v[-1] for k, v in form.items()}))

            def do_GET(self) -> None:
                path, query = self._record({})
                if not fake._authorized(dict(self.headers.items())):
                    return self._send(401, fake._error(20003, 401))
                flat = {k: v[-1] for k, v in query.items()}
                m = _LIST.match(path)
                if m and m["account"] == fake.account_sid:
                    return self._send(200, fake._list(flat, path))
                one = _ONE.match(path)
                if one and one["account"] == fake.account_sid:
                    with fake._lock:
                        hit = [fake._public(x) for x in fake.messages if x["sid"] == one["sid"]]
                    if hit:
                        return self._send(200, hit[0])
                self._send(404, fake._error(20404, 404))

        return Handler


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    """A running FakeTwilio for one test."""
    fake = FakeTwilio().start()
    try:
        yield fake
    finally:
        fake.stop()
