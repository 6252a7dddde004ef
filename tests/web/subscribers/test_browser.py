"""The whole subscription in chromium against the running site: the box on a post, the
confirmation mail at the aiosmtpd sink, the page's button, the ledger's disclosure hashes;
the SMS side through the real twilio client to the fake API and a signed inbound YES."""

from __future__ import annotations

import hashlib
import urllib.request

import pytest
from django.conf import settings

from tapereader.web.subscribers.consent import Status, may_send, status
from tapereader.web.subscribers.models import Channel, ConsentEvent, Subscriber

from .helpers import confirm_link, path_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def post(small_post):  # committed: the mark above makes the database transactional
    return small_post


def shown_hash(page, selector: str) -> str:
    """SHA-256 of the consent text as the reader saw it (whitespace collapsed)."""
    text = " ".join(page.locator(selector).inner_text().split())
    return hashlib.sha256(text.encode()).hexdigest()


def test_subscribe_confirm_in_chromium(browser, live_server, wired, post, screenshots_dir):
    sink, fake = wired
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + post.get_absolute_url())
    box = page.locator(".subscribe-box")
    assert box.is_visible()
    assert not page.is_checked("#id_email_consent") and not page.is_checked("#id_sms_consent")
    hp = page.locator("#id_website").bounding_box()       # the honeypot: off screen
    assert hp is None or hp["x"] + hp["width"] <= 0
    box.screenshot(path=str(screenshots_dir / "subscribe-box.png"))
    email_hash = shown_hash(page, "#email-consent-text")
    sms_hash = shown_hash(page, "#sms-consent-text")

    page.fill("#id_email", "reader@example.com")
    page.fill("#id_phone", "(202) 555-0143")
    page.check("#id_email_consent")
    page.check("#id_sms_consent")
    page.check("input[name=topics][value=alert_reversal]")
    page.click(".subscribe-form button[type=submit]")
    page.wait_for_url("**/subscribe/thanks/")
    assert "Check your inbox" in page.locator("h1").inner_text()

    msg = sink.wait_for(1)[0]
    link = live_server.url + path_of(confirm_link(msg))
    sub = Subscriber.objects.get()
    # a link scanner fetches the link: nothing is confirmed
    with urllib.request.urlopen(link, timeout=10) as resp:
        assert resp.status == 200
    assert status(sub, Channel.EMAIL) == Status.PENDING
    assert not may_send(sub, Channel.EMAIL, "daily")

    page.goto(link)
    page.screenshot(path=str(screenshots_dir / "subscribe-confirm.png"), full_page=True)
    page.click("#confirm-button")
    page.wait_for_selector("#confirmed")
    page.screenshot(path=str(screenshots_dir / "subscribe-confirmed.png"), full_page=True)
    sub.refresh_from_db()
    assert status(sub, Channel.EMAIL) == Status.ACTIVE
    assert sub.topics == ["daily", "alert_reversal"]

    rows = list(ConsentEvent.objects.order_by("id").select_related("detail"))
    assert [(r.channel, r.event) for r in rows] == [
        ("email", "requested"), ("sms", "requested"), ("email", "confirmed")]
    assert rows[0].disclosure_sha256 == rows[2].disclosure_sha256 == email_hash
    assert rows[1].disclosure_sha256 == sms_hash
    assert rows[0].detail.page_url == settings.SITE_URL + post.get_absolute_url()
    assert "Chrome" in rows[0].detail.user_agent and rows[0].detail.ip == "127.0.0.1"

    # the SMS side: a "Reply YES" text went out through twilio; a signed YES confirms
    (text,) = fake.sent_to("+12025550143")
    assert "reply YES" in text["body"]
    assert not may_send(sub, Channel.SMS, "daily")
    url = settings.SITE_URL + "/hooks/sms/inbound/"
    params = {"From": "+12025550143", "Body": "YES", "To": fake.env["TAPEREADER_SMS_FROM"]}
    req = urllib.request.Request(live_server.url + "/hooks/sms/inbound/",
                                 data=urllib.parse.urlencode(params).encode(),
                                 headers={"X-Twilio-Signature": fake.signature(url, params)})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert b"you are subscribed" in resp.read()
    sub.refresh_from_db()
    assert may_send(sub, Channel.SMS, "daily")
    assert ConsentEvent.objects.order_by("id").last().disclosure_sha256 == sms_hash
    assert errors == []
    page.close()


def test_errors_shown_next_to_fields(browser, live_server, wired, screenshots_dir):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(live_server.url + "/subscribe/")
    page.fill("#id_email", "not an email")
    page.fill("#id_phone", "12")
    page.check("#id_sms_consent")
    page.click(".subscribe-form button[type=submit]")
    page.wait_for_selector("#email-error")
    assert "valid email" in page.inner_text("#email-error")
    assert "valid phone" in page.inner_text("#phone-error")
    assert "Tick this box" in page.inner_text("#email-consent-error")
    assert page.input_value("#id_email") == "not an email"
    page.screenshot(path=str(screenshots_dir / "subscribe-errors.png"), full_page=True)
    assert Subscriber.objects.count() == 0
    page.close()
