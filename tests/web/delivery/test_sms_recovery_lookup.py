"""SmsChannel.messages_since (h16's addition to h15's channel): the texts sent to a number
since a moment, with their bodies, through the real twilio client and the file backend."""

from __future__ import annotations

import datetime as dt

from tapereader.web.delivery.sms import FileBackend, SmsChannel, TwilioBackend
from tests.web.fakes.fake_twilio import fake_twilio  # noqa: F401


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
