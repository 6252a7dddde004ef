"""The fakes work with the real clients: smtplib and Django mail, ``twilio.rest.Client``."""

from __future__ import annotations

import smtplib
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from tests.web.fakes.fake_twilio import FROM_NUMBER


@pytest.fixture
def django_mail_settings():
    """Django settings for sending mail (the project's when configured, else minimal ones)."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(DEFAULT_CHARSET="utf-8", EMAIL_BACKEND="x", USE_TZ=True)
    return settings


def test_smtplib_message_reaches_sink(smtp_sink):
    msg = EmailMessage()
    msg["From"] = "note@example.org"
    msg["To"] = "reader@example.com"
    msg["Subject"] = "Small caps lead"
    msg.set_content("Body line\n")
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=10) as s:
        s.send_message(msg)
    got = smtp_sink.wait_for(1)
    assert got[0]["Subject"] == "Small caps lead"
    assert got[0].get_content() == "Body line\n"
    assert smtp_sink.received[0].rcpt_tos == ("reader@example.com",)
    assert smtp_sink.to("READER@example.com") and not smtp_sink.to("other@example.com")


def test_sink_rejects_recipient(smtp_sink):
    smtp_sink.reject("gone@example.com", 550, "5.1.1 No such user")
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=10) as s, \
            pytest.raises(smtplib.SMTPRecipientsRefused) as info:
        s.sendmail("a@example.org", ["gone@example.com"], b"Subject: x\r\n\r\nx\r\n")
    assert info.value.recipients["gone@example.com"][0] == 550
    assert smtp_sink.received == []


def test_wait_for_times_out(smtp_sink):
    with pytest.raises(AssertionError, match="expected 1 messages"):
        smtp_sink.wait_for(1, timeout=0.1)


def test_django_smtp_backend_to_sink(smtp_sink, django_mail_settings):
    from django.core.mail import EmailMultiAlternatives, get_connection

    conn = get_connection("django.core.mail.backends.smtp.EmailBackend", host=smtp_sink.host,
                          port=smtp_sink.port, username="", password="", use_tls=False,
                          use_ssl=False, timeout=10)
    m = EmailMultiAlternatives("Subj", "text part", "from@example.org", ["to@example.com"],
                               connection=conn)
    m.attach_alternative("<p>html part</p>", "text/html")
    assert m.send() == 1
    got = smtp_sink.wait_for(1)[0]
    assert got.get_body(("plain",)).get_content().strip() == "text part"
    assert "html part" in got.get_body(("html",)).get_content()


def test_twilio_client_creates_and_lists(fake_twilio):
    client = fake_twilio.client()
    before = datetime.now(UTC) - timedelta(seconds=1)
    m1 = client.messages.create(to="+15551230001", from_=FROM_NUMBER, body="one")
    client.messages.create(to="+15551230002", from_=FROM_NUMBER, body="two")
    m3 = client.messages.create(to="+15551230001", from_=FROM_NUMBER, body="three")
    assert m1.sid.startswith("SM") and len(m1.sid) == 34 and m1.status == "queued"
    assert m1.date_sent is not None and m1.date_sent >= before.replace(microsecond=0)
    listed = client.messages.list(to="+15551230001", date_sent_after=before)
    assert [m.sid for m in listed] == [m3.sid, m1.sid]
    assert client.messages.list(to="+15551230001",
                                date_sent_after=datetime.now(UTC) + timedelta(hours=1)) == []
    assert client.messages(m1.sid).fetch().body == "one"
    posts = [r for r in fake_twilio.requests if r.method == "POST"]
    assert len(posts) == 3 and posts[0].form["Body"] == ["one"]
    gets = [r for r in fake_twilio.requests if r.method == "GET"]
    assert gets[0].query["To"] == ["+15551230001"] and "DateSent>" in gets[0].query


def test_twilio_list_pages(fake_twilio):
    client = fake_twilio.client()
    for i in range(7):
        client.messages.create(to="+15551230009", from_=FROM_NUMBER, body=f"m{i}")
    got = client.messages.list(to="+15551230009", page_size=3)
    assert [m.body for m in got] == [f"m{i}" for i in reversed(range(7))]


def test_twilio_error_21610(fake_twilio):
    fake_twilio.unsubscribed("+15551230003")
    with pytest.raises(TwilioRestException) as info:
        fake_twilio.client().messages.create(to="+15551230003", from_=FROM_NUMBER, body="x")
    assert info.value.code == 21610 and info.value.status == 400
    assert fake_twilio.sent_to("+15551230003") == []


def test_twilio_fail_next_and_bad_auth(fake_twilio):
    fake_twilio.fail_next(1, status=503)
    client = fake_twilio.client()
    with pytest.raises(TwilioRestException) as info:
        client.messages.create(to="+15551230004", from_=FROM_NUMBER, body="x")
    assert info.value.status == 503
    assert client.messages.create(to="+15551230004", from_=FROM_NUMBER, body="x").sid
    from twilio.rest import Client

    from tapereader.web.delivery.sms import BaseUrlHttpClient

    bad = Client(fake_twilio.account_sid, "wrong", http_client=BaseUrlHttpClient(
        fake_twilio.base_url))
    with pytest.raises(TwilioRestException) as info:
        bad.messages.create(to="+15551230004", from_=FROM_NUMBER, body="x")
    assert info.value.status == 401
    assert len(fake_twilio.sent_to("+15551230004")) == 1


def test_status_callback_is_signed(fake_twilio):
    seen: list[tuple[str, dict[str, str], str]] = []

    class Hook(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            seen.append((self.path, dict(urllib.parse.parse_qsl(body)),
                         self.headers["X-Twilio-Signature"]))
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hooks/sms/status/"
        m = fake_twilio.client().messages.create(to="+15551230005", from_=FROM_NUMBER,
                                                 body="x", status_callback=url)
        assert fake_twilio.deliver(m.sid, "undelivered", 30005) == 204
    finally:
        server.shutdown()
        server.server_close()
    _path, params, sig = seen[0]
    assert params["MessageSid"] == m.sid and params["MessageStatus"] == "undelivered"
    assert params["ErrorCode"] == "30005"
    validator = RequestValidator(fake_twilio.auth_token)
    assert validator.validate(url, params, sig)
    assert not validator.validate(url, {**params, "MessageStatus": "delivered"}, sig)
    assert fake_twilio.client().messages(m.sid).fetch().status == "undelivered"
