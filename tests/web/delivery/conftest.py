"""Delivery fixtures: a published post, confirmed subscribers, and the two channels pointed
at the fakes (aiosmtpd sink, fake Twilio API) on 127.0.0.1."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.web.fakes.fake_twilio import fake_twilio  # noqa: F401
from tests.web.fakes.smtp_sink import smtp_sink  # noqa: F401

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
       b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def post(db):
    from tapereader.web.posts.models import Chart
    from tests.web.delivery.killhelper import make_post

    p = make_post()
    Chart.objects.create(post=p, name="iwm-weekly", title="IWM weekly",
                         alt="IWM weekly since 2009: a steady climb, steeper since November 2012",
                         png=PNG, order=0, shown=True)
    return p


@pytest.fixture
def subscribers(db):
    from tests.web.delivery.killhelper import make_subscribers

    return lambda n, channels=("email", "sms"), prefix="reader": make_subscribers(
        n, tuple(channels), prefix=prefix)


@pytest.fixture
def channels(settings, smtp_sink, fake_twilio):  # noqa: F811
    """Both channels on the fakes, no account rate limit, a lease of 60 s."""
    settings.TAPEREADER_EMAIL_URL = smtp_sink.url
    settings.TAPEREADER_SMS_URL = ""
    for k, v in fake_twilio.env.items():
        setattr(settings, k, v)
    settings.TAPEREADER_SMS_RATE = 0
    settings.TAPEREADER_DELIVERY_LEASE = 60
    return smtp_sink, fake_twilio


def expire(rows) -> None:
    """Make claimed rows look abandoned: their lease ran out a minute ago."""
    from tapereader.web.delivery.models import Delivery

    Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(
        lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
