"""The subscribe form, double opt-in by email, leaving, preferences, export and erasure."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tapereader.web.subscribers import disclosures, tokens
from tapereader.web.subscribers.consent import Status, may_send, status
from tapereader.web.subscribers.ledger import address_hash
from tapereader.web.subscribers.models import (
    Channel,
    ConsentEvent,
    ConsentEventDetail,
    Event,
    Subscriber,
)

from .helpers import confirm_link, form_data, path_of

pytestmark = pytest.mark.django_db


def events(channel=None):
    qs = ConsentEvent.objects.order_by("at", "id")
    if channel:
        qs = qs.filter(channel=channel)
    return list(qs.values_list("channel", "event"))


def test_subscribe_page_has_unticked_consent_boxes(client, wired):
    html = client.get("/subscribe/").content.decode()
    for name in ("email_consent", "sms_consent"):
        tag = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html).group(0)
        assert "checked" not in tag
    assert "Msg &amp; data rates may apply" in html and 'href="/terms/"' in html
    assert 'href="/privacy/"' in html and "Reply HELP for help, STOP to cancel" in html
    assert disclosures.current(Channel.SMS).sha256 in html


def test_subscribe_sends_one_confirmation_and_waits(client, wired):
    sink, fake = wired
    resp = client.post("/subscribe/", form_data(phone="(202) 555-0143"))
    assert resp.status_code == 302 and resp.url == "/subscribe/thanks/"
    sub = Subscriber.objects.get()
    assert sub.email == "reader@example.com"
    assert not sub.phone and not sub.pending_phone   # no SMS consent: the email only
    assert events() == [("email", "requested")]
    assert fake.requests == []                        # no text at all
    msg = sink.wait_for(1)[0]
    assert msg["To"] == "reader@example.com" and "Confirm" in msg["Subject"]
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsub = msg["List-Unsubscribe"].strip()
    assert re.fullmatch(r"<https?://\S+/subscribe/unsubscribe/\S+/>", unsub)
    assert "Unsubscribe" in msg.get_body(("html",)).get_content()
    assert not may_send(sub, Channel.EMAIL, "daily")   # nothing before confirmation


def test_ledger_row_holds_page_context(client, wired):
    client.post("/subscribe/", form_data(), HTTP_USER_AGENT="TestBrowser/1.0",
                REMOTE_ADDR="203.0.113.9")
    ev = ConsentEvent.objects.get()
    assert ev.disclosure_sha256 == disclosures.current(Channel.EMAIL).sha256
    assert ev.detail.ip == "203.0.113.9" and ev.detail.user_agent == "TestBrowser/1.0"
    assert ev.detail.page_url.endswith("/2013/07/08/small-caps/") and ev.source == "form"


def test_link_scanner_get_does_not_confirm_post_does(client, wired):
    sink, _ = wired
    client.post("/subscribe/", form_data(topics=("daily", "alert_reversal")))
    link = path_of(confirm_link(sink.wait_for(1)[0]))
    scanner = Client()
    for _ in range(3):
        assert scanner.get(link).status_code == 200
        assert scanner.head(link).status_code in (200, 405)
    sub = Subscriber.objects.get()
    assert status(sub, Channel.EMAIL) == Status.PENDING
    page = Client(enforce_csrf_checks=True)
    html = page.get(link).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert page.post(link, {"csrfmiddlewaretoken": token}).status_code == 200
    sub.refresh_from_db()
    assert status(sub, Channel.EMAIL) == Status.ACTIVE
    assert sub.topics == ["daily", "alert_reversal"]
    assert may_send(sub, Channel.EMAIL, "alert_reversal")
    assert events() == [("email", "requested"), ("email", "confirmed")]
    assert Client(enforce_csrf_checks=True).post(link).status_code == 403  # CSRF on the button


def test_confirmation_link_expires(client, wired, settings):
    sink, _ = wired
    client.post("/subscribe/", form_data())
    link = path_of(confirm_link(sink.wait_for(1)[0]))
    settings.TAPEREADER_CONFIRM_MAX_AGE = -1
    assert client.post(link).status_code == 400
    assert status(Subscriber.objects.get(), Channel.EMAIL) == Status.PENDING
    assert client.get(link[:-5] + "xxxx/").status_code == 400   # forged


def test_same_page_and_one_mail_per_hour(client, wired):
    sink, _ = wired
    first = client.post("/subscribe/", form_data(), follow=True)
    second = client.post("/subscribe/", form_data("READER@example.com"), follow=True)
    fresh = client.post("/subscribe/", form_data("new@example.com"), follow=True)
    assert first.content == second.content == fresh.content
    sink.wait_for(2)
    assert len(sink.to("reader@example.com")) == 1 and Subscriber.objects.count() == 2
    Subscriber.objects.filter(email__iexact="reader@example.com").update(
        confirm_mail_sent_at=timezone.now() - timedelta(minutes=61))
    client.post("/subscribe/", form_data())
    sink.wait_for(3)
    assert len(sink.to("reader@example.com")) == 2


@pytest.mark.parametrize(("kwargs", "field", "words"), [
    ({"email": "not-an-email"}, "email", "valid email"),
    ({"phone": "12", "sms_consent": True}, "phone", "valid phone"),
    ({"sms_consent": True}, "phone", "Enter your mobile number"),
    ({"email_consent": False}, "email-consent", "Tick this box"),
])
def test_errors_next_to_the_field(client, wired, kwargs, field, words):
    resp = client.post("/subscribe/", form_data(**kwargs))
    assert resp.status_code == 400
    html = resp.content.decode()
    m = re.search(rf'<span class="error" id="{field}-error">([^<]*)</span>', html)
    assert m and words in m.group(1), html
    assert Subscriber.objects.count() == 0 and ConsentEvent.objects.count() == 0


def test_phone_to_e164_with_sms_consent(client, wired, settings):
    client.post("/subscribe/", form_data(phone="(202) 555-0143", sms_consent=True))
    sub = Subscriber.objects.get()
    assert str(sub.pending_phone) == "+12025550143" and not sub.phone
    settings.TAPEREADER_PHONE_REGION = "GB"
    client.post("/subscribe/", form_data("uk@example.com", phone="020 7946 0958",
                                         sms_consent=True))
    assert str(Subscriber.objects.get(email="uk@example.com").pending_phone) == "+442079460958"


def test_stale_disclosure_hash_is_refused(client, wired):
    resp = client.post("/subscribe/", form_data(email_disclosure="0" * 64))
    assert resp.status_code == 400 and b"consent text changed" in resp.content
    assert Subscriber.objects.count() == 0


def test_honeypot_looks_the_same_and_stores_nothing(client, wired):
    sink, _ = wired
    resp = client.post("/subscribe/", form_data(website="http://spam.example"))
    assert resp.status_code == 302 and resp.url == "/subscribe/thanks/"
    assert Subscriber.objects.count() == 0 and sink.received == []


def test_rate_limit_per_ip(client, wired, settings):
    settings.TAPEREADER_SUBSCRIBE_RATE = (3, 600)
    codes = [client.post("/subscribe/", form_data(f"r{i}@example.com")).status_code
             for i in range(5)]
    assert codes == [302, 302, 302, 429, 429]


def test_box_on_every_post_page(client, wired):
    import datetime as dt

    from tapereader.web.posts.models import Post
    from tapereader.web.posts.models import Status as PostStatus

    post = Post.objects.create(date=dt.date(2013, 7, 8), slug="small-caps-lead",
                               headline="Small caps lead", body_md="# Small caps lead\n",
                               body_html="<p>Small caps lead the rally.</p>",
                               status=PostStatus.PUBLISHED,
                               published_at=timezone.now() - timedelta(minutes=1))
    for _ in range(2):  # the second response comes from the page cache
        html = Client().get(post.get_absolute_url()).content.decode()
        form = re.search(r'<form class="subscribe-form".*?</form>', html, re.S).group(0)
        assert 'action="/subscribe/"' in form
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        assert len(token) > 30 and "placeholder" not in token
        for name in ("email_consent", "sms_consent"):
            tag = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', form).group(0)
            assert "checked" not in tag
        assert f'value="{post.get_absolute_url()}"' in form   # the page, for the ledger


def _confirmed(client, sink, email="reader@example.com"):
    before = len(sink.received)
    client.post("/subscribe/", form_data(email))
    msg = sink.wait_for(before + 1)[-1]
    client.post(path_of(confirm_link(msg)))
    sub = Subscriber.objects.get(email=email)
    assert status(sub, Channel.EMAIL) == Status.ACTIVE
    return sub, msg


def test_one_click_unsubscribe_without_csrf(wired):
    sink, _ = wired
    sub, msg = _confirmed(Client(), sink)
    # a long header may be folded (CRLF + space inside the URL): unfold, then take the https link
    header = re.sub(r"\s+", "", str(msg["List-Unsubscribe"]))
    url = re.search(r"<(https?://[^>]+)>", header).group(1)
    token = url.rstrip("/").rsplit("/", 1)[1]
    claim = tokens.read("unsubscribe", token)   # signed (with a time stamp) for this address
    assert (claim.subscriber.pk, claim.channel) == (sub.pk, "email")
    one_click = Client(enforce_csrf_checks=True)
    assert one_click.get(path_of(url)).status_code == 200     # a page with a button
    assert status(sub, Channel.EMAIL) == Status.ACTIVE
    resp = one_click.post(path_of(url), "List-Unsubscribe=One-Click",
                          content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 200
    assert status(sub, Channel.EMAIL) == Status.STOPPED
    assert not may_send(sub, Channel.EMAIL, "daily")
    assert events()[-1] == ("email", "revoked")


def test_preferences_topics_leave_and_export(client, wired):
    sink, _ = wired
    sub, _ = _confirmed(client, sink)
    url = path_of(tokens.preferences_url(sub))
    assert client.get(url).status_code == 200
    client.post(url, {"action": "save", "email_on": "on", "topics": ["alert_trendline"]})
    sub.refresh_from_db()
    assert sub.topics == ["alert_trendline"] and may_send(sub, Channel.EMAIL, "alert_trendline")
    client.post(url, {"action": "leave"})
    assert status(sub, Channel.EMAIL) == Status.STOPPED
    client.post(url, {"action": "save", "email_on": "on", "topics": ["daily"]})
    assert status(sub, Channel.EMAIL) == Status.ACTIVE
    data = json.loads(client.get(url + "export.json").content)
    assert [e["event"] for e in data["events"]] == ["requested", "confirmed", "revoked",
                                                    "resubscribed"]
    assert data["events"][0]["disclosure_sha256"] in data["disclosures"]
    rows = list(csv.DictReader(io.StringIO(client.get(url + "export.csv").content.decode())))
    assert [r["event"] for r in rows] == [e["event"] for e in data["events"]]
    assert rows[0]["address"] == "reader@example.com"
    assert client.get(url.replace("/preferences/", "/preferences/x") + "export.json"
                      ).status_code == 400


def test_delete_all_data_keeps_hashed_proof(client, wired):
    sink, _ = wired
    sub, _ = _confirmed(client, sink)
    pk = sub.pk
    url = path_of(tokens.preferences_url(sub))
    assert client.post(url, {"action": "delete"}).status_code == 200
    assert not Subscriber.objects.filter(pk=pk).exists()
    left = list(ConsentEvent.objects.filter(subscriber_id=pk).order_by("id"))
    assert [e.event for e in left] == ["requested", "confirmed", "revoked"]
    assert left[-1].source == "erasure"
    assert {e.address_sha256 for e in left} == {address_hash("email", "reader@example.com")}
    assert not ConsentEventDetail.objects.filter(event__in=left).exists()
    assert client.get(url).status_code == 400    # the link is dead


def test_admin_export(admin_client, wired):
    sink, _ = wired
    sub, _ = _confirmed(Client(), sink)
    resp = admin_client.post("/admin/subscribers/subscriber/",
                             {"action": "export_csv", "_selected_action": [sub.pk]})
    assert resp.status_code == 200 and b"confirmed" in resp.content
    resp = admin_client.post("/admin/subscribers/subscriber/",
                             {"action": "export_json", "_selected_action": [sub.pk]})
    assert json.loads(resp.content)[0]["events"][1]["event"] == Event.CONFIRMED
    assert admin_client.get(f"/admin/subscribers/subscriber/{sub.pk}/change/").status_code == 200
    assert admin_client.get("/admin/subscribers/consentevent/").status_code == 200
