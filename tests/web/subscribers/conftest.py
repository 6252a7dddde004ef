"""Subscriber tests: the SMTP sink and the fake Twilio API wired into the site's settings."""

from __future__ import annotations

import pytest

from tests.web.fakes.fake_twilio import fake_twilio  # noqa: F401
from tests.web.fakes.smtp_sink import smtp_sink  # noqa: F401


@pytest.fixture
def wired(settings, smtp_sink, fake_twilio):  # noqa: F811
    """Mail to the aiosmtpd sink, texts through the real twilio client to the fake API."""
    settings.TAPEREADER_EMAIL_URL = smtp_sink.url
    settings.TAPEREADER_SMS_URL = ""
    for key, value in fake_twilio.env.items():
        setattr(settings, key, value)
    from django.core.cache import caches

    caches["default"].clear()  # rate-limit counters
    return smtp_sink, fake_twilio
