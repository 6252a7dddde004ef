"""SmsChannel through the real twilio client to the fake API, and the file backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from tapereader.web.delivery.errors import PermanentError, TransientError
from tapereader.web.delivery.sms import FileBackend, SmsChannel, TwilioBackend


@pytest.fixture
def twilio_settings(mail_settings, fake_twilio):
    with override_settings(**fake_twilio.env):
        yield fake_twilio


def test_twilio_send_and_sent_since(twilio_settings):
    fake = twilio_settings
    ch = SmsChannel()
    assert isinstance(ch.backend, TwilioBackend)
    t0 = datetime.now(UTC)
    sid = ch.send("+15551230001", "Reply YES to confirm")
    assert sid.startswith("SM")
    assert fake.sent_to("+15551230001")[0]["body"] == "Reply YES to confirm"
    assert ch.sent_since("+15551230001", t0 - timedelta(seconds=1)) == [sid]
    assert ch.sent_since("+15551230001", t0 + timedelta(minutes=5)) == []
    assert ch.sent_since("+15551230002", t0 - timedelta(seconds=1)) == []


def test_twilio_errors(twilio_settings):
    fake = twilio_settings
    fake.unsubscribed("+15551230003")
    ch = SmsChannel()
    with pytest.raises(PermanentError) as info:
        ch.send("+15551230003", "x")
    assert info.value.code == 21610
    fake.fail_next(1, status=503)
    with pytest.raises(TransientError):
        ch.send("+15551230004", "x")
    fake.fail_next(1, status=429, code=20429)
    with pytest.raises(TransientError) as info2:
        ch.send("+15551230004", "x")
    assert info2.value.code == 20429
    assert ch.send("+15551230004", "x")


def test_twilio_unreachable(mail_settings):
    from tests.web.fakes.smtp_sink import free_port

    with override_settings(TWILIO_ACCOUNT_SID="AC" + "0" * 32, TWILIO_AUTH_TOKEN="t",
                           TAPEREADER_SMS_FROM="+15005550006",
                           TAPEREADER_TWILIO_API=f"http://127.0.0.1:{free_port()}"), \
            pytest.raises(TransientError, match="unreachable"):
        SmsChannel().send("+15551230001", "x")


def test_file_backend_default(mail_settings):
    ch = SmsChannel()
    assert isinstance(ch.backend, FileBackend)
    t0 = datetime.now(UTC)
    a = ch.send("+15551230001", "one")
    ch.send("+15551230002", "two")
    assert a.startswith("file-")
    assert ch.sent_since("+15551230001", t0) == [a]
    assert ch.sent_since("+15551230001", datetime.now(UTC) + timedelta(seconds=1)) == []
    assert [m["body"] for m in ch.backend.messages()] == ["one", "two"]


def test_bad_sms_url(mail_settings):
    with override_settings(TAPEREADER_SMS_URL="carrier-pigeon://x"), \
            pytest.raises(ValueError, match="TAPEREADER_SMS_URL"):
        SmsChannel()
