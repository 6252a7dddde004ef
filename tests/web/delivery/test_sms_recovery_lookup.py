"""SmsChannel.messages_since (h16's addition to h15's channel): the texts sent to a number
since a moment, with their bodies, through the real twilio client and the file backend."""

from __future__ import annotations

import datetime as dt

from tapereader.web.delivery.sms import FileBackend, SmsChannel, TwilioBackend
from tests.web.fakes.fake_twilio import fake_twilio  # noqa: F401
from tests.web.fakes.smtp_sink import smtp_sink  # noqa: F401


def test_messages_since_on_twilio(fake_twilio):  # noqa: F811
    env = fake_twilio.env
    ch = SmsChannel(TwilioBackend(env["TWILIO_ACCOUNT_SID"], env["TWILIO_AUTH_TOKEN"],
                                  env["TAPEREADER_SMS_FROM"], env["TAPEREADER_TWILIO_API"]))
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=2)
    a = ch.send("+12025550101", "first")
    b = ch.send("+12025550101", "second")
    ch.send("+12025550102", "other number")
    got = ch.messages_since("+12025550101", before)
    assert sorted(got) == sorted([(a, "first"), (b, "second")])
    assert sorted(ch.sent_since("+12025550101", before)) == sorted([a, b])
    assert ch.messages_since("+12025550101", dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)) \
        == []


def test_messages_since_on_files(tmp_path):
    ch = SmsChannel(FileBackend(tmp_path))
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    sid = ch.send("+12025550101", "hello")
    assert ch.messages_since("+12025550101", before) == [(sid, "hello")]
    assert ch.messages_since("+12025550199", before) == []


def test_email_channel_keeps_one_smtp_session(smtp_sink):  # noqa: F811
    """h16's addition to EmailChannel: one SMTP session for many messages."""
    from django.core.mail import EmailMessage

    from tapereader.web.delivery.email import EmailChannel

    ch = EmailChannel(smtp_sink.url)
    ch.send(EmailMessage("one", "body", "a@example.org", ["b@example.org"]))
    session = ch.connection.connection
    ch.send(EmailMessage("two", "body", "a@example.org", ["c@example.org"]))
    assert session is not None and ch.connection.connection is session
    smtp_sink.wait_for(2)
    ch.close()
