"""Fixtures for the channel tests: the fakes, and Django settings when no project set them."""

from __future__ import annotations

import pytest

from tests.web.fakes.fake_twilio import fake_twilio  # noqa: F401
from tests.web.fakes.smtp_sink import smtp_sink  # noqa: F401


@pytest.fixture
def mail_settings(tmp_path):
    """Django settings with a site URL (the project's settings when configured)."""
    from django.conf import settings
    from django.test import override_settings

    if not settings.configured:
        settings.configure(DEFAULT_CHARSET="utf-8", USE_TZ=True,
                           EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    with override_settings(SITE_URL="https://notes.example.org",
                           TAPEREADER_MAIL_DOMAIN="", TAPEREADER_EMAIL_DIR=str(tmp_path / "mail"),
                           TAPEREADER_SMS_DIR=str(tmp_path / "sms"), TAPEREADER_SMS_URL="",
                           TWILIO_ACCOUNT_SID=""):
        yield settings
