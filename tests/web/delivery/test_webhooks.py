"""After the send: Twilio status callbacks (signature checked), anymail tracking events,
DSN bounce reports, DKIM signatures, and the admin's view of the outbox."""

from __future__ import annotations

import email
import email.policy

import pytest
from django.test import Client

from tapereader.web.delivery import states
from tapereader.web.delivery.models import Delivery
from tapereader.web.delivery.outbox import enqueue
from tapereader.web.delivery.webhooks import handle_dsn, parse_dsn
from tapereader.web.delivery.worker import Worker, WorkerConfig

pytestmark = pytest.mark.django_db

CALLBACK = "/delivery/hooks/sms/status/"


def _sent_sms(post, subscribers, fake):
    (sub,) = subscribers(1, ("sms",))
    enqueue(post, ["sms"])
    Worker(WorkerConfig(channels=("sms",))).run(until_empty=True)
    return sub, Delivery.objects.get()


def _post_callback(fake, settings, params, signature=None):
    url = settings.SITE_URL.rstrip("/") + CALLBACK
    sig = signature if signature is not None else fake.signature(url, params)
    return Client().post(CALLBACK, params, HTTP_X_TWILIO_SIGNATURE=sig)


def test_status_callback_updates_the_row(post, subscribers, channels, settings):
    _, fake = channels
    _, row = _sent_sms(post, subscribers, fake)
    params = {"MessageSid": row.provider_id, "MessageStatus": "delivered",
              "AccountSid": fake.account_sid}
    assert _post_callback(fake, settings, params).status_code == 204
    row.refresh_from_db()
    assert row.state == states.DELIVERED and row.status_at is not None
    # a late "sent" callback does not move it back
    params["MessageStatus"] = "sent"
    _post_callback(fake, settings, params)
    row.refresh_from_db()
    assert row.state == states.DELIVERED


def test_status_callback_21610_revokes(post, subscribers, channels, settings):
    _, fake = channels
    from tapereader.web.subscribers.consent import may_send

    sub, row = _sent_sms(post, subscribers, fake)
    params = {"MessageSid": row.provider_id, "MessageStatus": "failed", "ErrorCode": "21610"}
    assert _post_callback(fake, settings, params).status_code == 204
    row.refresh_from_db()
    assert row.state == states.FAILED and "21610" in row.reason
    assert not may_send(sub, "sms", "daily")


def test_status_callback_with_a_bad_signature_is_refused(post, subscribers, channels, settings):
    _, fake = channels
    _, row = _sent_sms(post, subscribers, fake)
    params = {"MessageSid": row.provider_id, "MessageStatus": "undelivered"}
    assert _post_callback(fake, settings, params, signature="forged").status_code == 403
    params2 = dict(params, MessageStatus="delivered")
    sig = fake.signature(settings.SITE_URL.rstrip("/") + CALLBACK, params2)
    assert _post_callback(fake, settings, params, signature=sig).status_code == 403
    row.refresh_from_db()
    assert row.state == states.SENT


def _sent_mail(post, subscribers):
    (sub,) = subscribers(1, ("email",))
    enqueue(post, ["email"])
    Worker(WorkerConfig(channels=("email",))).run(until_empty=True)
    return sub, Delivery.objects.get()


def test_anymail_bounce_event_suppresses(post, subscribers, channels):
    from anymail.signals import AnymailTrackingEvent, tracking

    from tapereader.web.subscribers.consent import may_send

    sub, row = _sent_mail(post, subscribers)
    event = AnymailTrackingEvent(event_type="bounced", message_id=row.provider_id,
                                 recipient=sub.email, description="550 mailbox unavailable")
    tracking.send(sender=object, event=event, esp_name="Test")
    row.refresh_from_db()
    assert row.state == states.UNDELIVERED
    assert not may_send(sub, "email", "daily")


def test_anymail_complaint_suppresses(post, subscribers, channels):
    from anymail.signals import AnymailTrackingEvent, tracking

    from tapereader.web.subscribers.consent import may_send

    sub, _ = _sent_mail(post, subscribers)
    tracking.send(sender=object, esp_name="Test", event=AnymailTrackingEvent(
        event_type="complained", message_id="", recipient=sub.email))
    assert not may_send(sub, "email", "daily")


DSN = b"""From: MAILER-DAEMON@mx.example.net\r
To: bounces@notes.example.org\r
Subject: Undelivered Mail Returned to Sender\r
MIME-Version: 1.0\r
Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r
\r
--B\r
Content-Type: text/plain\r
\r
Your message could not be delivered.\r
--B\r
Content-Type: message/delivery-status\r
\r
Reporting-MTA: dns; mx.example.net\r
\r
Final-Recipient: rfc822; {rcpt}\r
Action: failed\r
Status: 5.1.1\r
Diagnostic-Code: smtp; 550 5.1.1 user unknown\r
--B\r
Content-Type: text/rfc822-headers\r
\r
Message-ID: {mid}\r
Subject: the note\r
--B--\r
"""


def test_dsn_hard_bounce(post, subscribers, channels):
    from tapereader.web.subscribers.consent import may_send

    sub, row = _sent_mail(post, subscribers)
    raw = DSN.replace(b"{rcpt}", sub.email.encode()).replace(b"{mid}", row.message_id.encode())
    (d,) = parse_dsn(raw)
    assert d.hard and d.recipient == sub.email and d.original_message_id == row.message_id
    assert handle_dsn(raw) == 1
    assert not may_send(sub, "email", "daily")
    soft = raw.replace(b"Action: failed", b"Action: delayed").replace(b"5.1.1\r", b"4.4.1\r")
    assert not parse_dsn(soft)[0].hard


def test_dkim_signature_verifies(post, subscribers, channels, settings, tmp_path):
    import dkim

    from tests.web.fakes.rsa_key import rsa_key

    sink, _ = channels
    pem = tmp_path / "dkim.pem"
    private, pub = rsa_key(2048, seed=16)  # made in Python: the test never needs openssl
    pem.write_bytes(private)
    settings.TAPEREADER_DKIM_KEY = str(pem)
    settings.TAPEREADER_DKIM_SELECTOR = "tr1"
    settings.TAPEREADER_DKIM_DOMAIN = "notes.example.org"
    _sent_mail(post, subscribers)
    raw = sink.received[0].raw
    record = b"v=DKIM1; k=rsa; p=" + pub.encode()
    dns = {b"tr1._domainkey.notes.example.org.": record}
    assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: dns.get(name))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert "list-unsubscribe" in str(msg["DKIM-Signature"]).lower()
    tampered = raw.replace(b"Russell 2000", b"Russell 3000", 1)
    assert not dkim.verify(tampered, dnsfunc=lambda name, timeout=5: dns.get(name))


def test_admin_shows_deliveries_by_state(post, subscribers, channels, admin_client):
    subscribers(2)
    enqueue(post)
    Worker(WorkerConfig(channels=("email",))).run(until_empty=True)
    resp = admin_client.get(f"/admin/delivery/delivery/?post__id__exact={post.pk}")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="deliveries-by-state"' in html
    by = {(r["channel"], r["state"]): r["n"] for r in resp.context["by_state"]}
    assert by == {("email", "sent"): 2, ("sms", "queued"): 2}
