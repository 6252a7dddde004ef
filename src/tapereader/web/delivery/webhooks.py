"""What the providers tell us after a send: Twilio status callbacks (signature checked),
anymail tracking events (bounces, complaints) and DSN bounce reports. Each updates the
delivery row; what concerns consent (a hard bounce, a complaint, 21610) goes to the ledger,
which suppresses the address for every later send."""

from __future__ import annotations

import email
import email.policy
import logging
from dataclasses import dataclass
from email.message import Message
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import states
from .models import EMAIL, SMS, Delivery

log = logging.getLogger("tapereader.delivery")

TWILIO_STATES = {"delivered": states.DELIVERED, "undelivered": states.UNDELIVERED,
                 "failed": states.FAILED}


def _ledger(sub: Any, channel: str, event: str, *, address: str = "", **context: Any) -> None:
    """A provider's event in the ledger: under the subscriber, or (a reply mail to a
    commenter) under the address alone, which suppresses it for every later mail."""
    from tapereader.web.subscribers import ledger

    if sub is None and not address:
        return
    ledger.record(sub, channel, event, source="provider", address=None if sub else address,
                  note=str(context)[:500])


def apply_status(row: Delivery, new_state: str, *, reason: str = "") -> bool:
    """Move ``row`` to ``new_state`` if the outbox allows it (callbacks come out of order).
    A callback that arrives before the worker's ``sent`` commit counts as the send."""
    with transaction.atomic():
        cur = Delivery.objects.select_for_update().get(pk=row.pk)
        old = cur.state
        ok = states.can_move(old, new_state) or (
            old in states.IN_FLIGHT and new_state in (*states.HANDED_OVER, states.FAILED))
        fields: dict[str, Any] = {"status_at": timezone.now()}
        if ok:
            fields["state"] = new_state
            if reason:
                fields["reason"] = reason[:1000]
            if cur.sent_at is None:
                fields["sent_at"] = timezone.now()
        Delivery.objects.filter(pk=row.pk).update(**fields)
    return ok


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    """Twilio's status callback: delivered, undelivered, failed (21610: the number opted
    out). Refused (403, logged) without a valid ``X-Twilio-Signature``."""
    from twilio.request_validator import RequestValidator

    from .mail import site_url

    url = site_url() + request.get_full_path()
    params = {k: request.POST.get(k, "") for k in request.POST}
    signature = request.headers.get("X-Twilio-Signature", "")
    token = str(getattr(settings, "TWILIO_AUTH_TOKEN", "") or "")
    if not token or not RequestValidator(token).validate(url, params, signature):
        log.warning("twilio status callback refused: bad signature from %s",
                    request.META.get("REMOTE_ADDR"))
        return HttpResponseForbidden("bad signature")
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    status = (params.get("MessageStatus") or params.get("SmsStatus") or "").lower()
    code = params.get("ErrorCode", "")
    row = Delivery.objects.filter(channel=SMS, provider_id=sid).select_related(
        "subscriber").first()
    if row is None:
        return HttpResponse(status=204)  # not ours (a confirmation text) or already gone
    new = TWILIO_STATES.get(status)
    if new:
        apply_status(row, new, reason=f"twilio {status}" + (f" {code}" if code else ""))
    if code == "21610":
        _ledger(row.subscriber, SMS, "revoked", reason="twilio 21610", delivery=row.pk)
    return HttpResponse(status=204)


def on_email_event(event_type: str, *, message_id: str = "", recipient: str = "",
                   description: str = "") -> Delivery | None:
    """A bounce or complaint for one of our mails: the row is marked and the ledger told.
    Returns the row it concerned (None when no row matches)."""
    from .identity import normalize_message_id

    mid = normalize_message_id(message_id) if message_id else ""
    qs = Delivery.objects.filter(channel=EMAIL).select_related("subscriber")
    row = None
    if mid:
        row = (qs.filter(provider_id=mid).first() or qs.filter(message_id=mid).first())
    if row is None and recipient:
        row = qs.filter(address__iexact=recipient).order_by("-sent_at").first()
    if row is None:
        return None
    if event_type == "bounced":
        apply_status(row, states.UNDELIVERED, reason=f"bounced: {description}"[:1000])
        _ledger(row.subscriber, EMAIL, "bounced", address=row.address or recipient,
                reason=description[:500], delivery=row.pk)
    elif event_type == "complained":
        _ledger(row.subscriber, EMAIL, "complained", address=row.address or recipient,
                reason=description[:500], delivery=row.pk)
    elif event_type == "delivered":
        apply_status(row, states.DELIVERED)
    return row


def anymail_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """Receiver of anymail's ``tracking`` signal (every ESP's webhook)."""
    kind = str(getattr(event, "event_type", "") or "")
    mapped = {"bounced": "bounced", "complained": "complained", "delivered": "delivered",
              "rejected": "bounced"}.get(kind)
    if not mapped:
        return
    if kind == "rejected" and str(getattr(event, "reject_reason", "")) not in ("bounced",
                                                                               "invalid"):
        return
    on_email_event(mapped, message_id=str(event.message_id or ""),
                   recipient=str(event.recipient or ""),
                   description=str(event.description or event.mta_response or kind))


@dataclass(frozen=True)
class Dsn:
    recipient: str
    action: str
    status: str
    original_message_id: str

    @property
    def hard(self) -> bool:
        return self.action == "failed" and self.status.startswith("5")


def parse_dsn(raw: bytes) -> list[Dsn]:
    """The per-recipient reports of an RFC 3464 delivery status notification."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if msg.get_content_type() != "multipart/report":
        return []
    original = ""
    reports: list[tuple[str, str, str]] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            blocks = part.get_payload()
            for block in blocks[1:] if isinstance(blocks, list) else []:
                if not isinstance(block, Message):
                    continue
                rcpt = str(block.get("Final-Recipient", "") or block.get("Original-Recipient", ""))
                reports.append((rcpt.split(";", 1)[-1].strip(),
                                str(block.get("Action", "")).strip().lower(),
                                str(block.get("Status", "")).strip()))
        elif ctype in ("text/rfc822-headers", "message/rfc822"):
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                original = str(inner[0].get("Message-ID", "") or "")
            elif isinstance(inner, str):
                hdrs = email.message_from_string(inner, policy=email.policy.default)
                original = str(hdrs.get("Message-ID", "") or "")
    return [Dsn(r, a, s, "".join(original.split())) for r, a, s in reports]


def handle_dsn(raw: bytes) -> int:
    """Apply a DSN: each hard failure marks its row and writes ``bounced``; returns how many."""
    n = 0
    for d in parse_dsn(raw):
        if d.hard and on_email_event("bounced", message_id=d.original_message_id,
                                     recipient=d.recipient,
                                     description=f"{d.status} {d.action}"):
            n += 1
    return n
