"""The outbox end to end, in one process: enqueue, work, and what reaches the real SMTP sink
(aiosmtpd) and the fake Twilio API through the real twilio client."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
from django.test import Client

from tapereader.web.delivery import states
from tapereader.web.delivery.claim import claim
from tapereader.web.delivery.models import Delivery
from tapereader.web.delivery.outbox import enqueue, short_code
from tapereader.web.delivery.segments import STOP_NOTICE, segments
from tapereader.web.delivery.worker import Worker, WorkerConfig
from tests.web.delivery.conftest import expire

pytestmark = pytest.mark.django_db(transaction=False)


def work(**kw) -> Worker:
    w = Worker(WorkerConfig(**kw))
    w.run(until_empty=True)
    return w


def parse(received) -> email.message.EmailMessage:
    return email.message_from_bytes(received.raw.replace(b"\r\n", b"\n"),
                                    policy=email.policy.default)


def test_enqueue_is_idempotent_and_unique(post, subscribers, channels):
    subscribers(3)
    assert enqueue(post) == {"email": 3, "sms": 3}
    assert enqueue(post) == {"email": 0, "sms": 0}
    assert Delivery.objects.count() == 6
    from django.db import IntegrityError, transaction

    row = Delivery.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(post=post, subscriber=row.subscriber, channel=row.channel,
                                topic="daily")


def test_email_reaches_the_sink_with_parts_headers_and_message_id(post, subscribers, channels):
    sink, _ = channels
    (sub,) = subscribers(1, ("email",))
    enqueue(post, ["email"])
    work(channels=("email",))
    sink.wait_for(1)
    (rec,) = sink.received
    msg = parse(rec)
    row = Delivery.objects.get()
    assert row.state == states.SENT and row.provider_id == row.message_id
    assert "".join(str(msg["Message-ID"]).split()) == row.message_id
    assert row.message_id.startswith(f"<tr.{post.date}-note.{sub.pk}.")
    assert msg["To"] == sub.email and post.headline in msg["Subject"]
    # multipart/related: the alternative (text + html) and the chart by Content-ID
    assert msg.get_content_type() == "multipart/related"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Russell 2000" in text and "Russell 2000" in html
    assert "<style" not in html and 'style="' in html  # CSS inlined by css-inline
    assert "not investment advice" in text and "not investment advice" in html
    assert 'class="preheader"' in html
    images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1
    cid = str(images[0]["Content-ID"]).strip("<>")
    assert f'src="cid:{cid}"' in html
    assert 'alt="IWM weekly since 2009: a steady climb' in html
    # List-Unsubscribe: https and mailto, one-click; the same link visible in the body
    lu = str(msg["List-Unsubscribe"])
    https = lu.split(",")[0].strip().strip("<>")
    assert https.startswith("http") and "mailto:" in lu
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert https in text
    # the one-click POST (RFC 8058) works and stops the next mail
    from tapereader.web.subscribers.consent import may_send

    path = https.split("://", 1)[1].split("/", 1)[1]
    resp = Client().post("/" + path, data="List-Unsubscribe=One-Click",
                         content_type="application/x-www-form-urlencoded")
    assert resp.status_code in (200, 204, 302)
    sub.refresh_from_db()
    assert not may_send(sub, "email", "daily")


def test_sms_through_the_twilio_client_with_stop_notice(post, subscribers, channels):
    _, fake = channels
    (sub,) = subscribers(1, ("sms",))
    enqueue(post, ["sms"])
    work(channels=("sms",))
    (m,) = fake.sent_to(str(sub.phone))
    row = Delivery.objects.get()
    assert row.state == states.SENT and row.provider_id == m["sid"]
    assert m["body"] == row.body and m["body"].endswith(STOP_NOTICE)
    assert f"/s/{short_code(post.pk)}/" in m["body"] and segments(m["body"]) <= 2
    created = [r for r in fake.requests if r.method == "POST"]
    assert created[0].form["StatusCallback"][0].endswith("/delivery/hooks/sms/status/")
    # the short link is the site's own and leads to the post
    resp = Client().get(f"/s/{short_code(post.pk)}/")
    assert resp.status_code == 301 and resp["Location"] == post.get_absolute_url()
    # a second post within the week: no STOP notice this time
    from tests.web.delivery.killhelper import make_post

    second = make_post(dt.date(2013, 7, 9), "Small caps again")
    enqueue(second, ["sms"])
    work(channels=("sms",))
    later = fake.sent_to(str(sub.phone))[-1]
    assert STOP_NOTICE not in later["body"] and "Small caps again" in later["body"]


def test_consent_is_checked_at_send_time(post, subscribers, channels):
    sink, fake = channels
    from tapereader.web.subscribers import ledger
    from tapereader.web.subscribers.models import Subscriber

    revoker, bounced, ok = subscribers(3)
    enqueue(post)
    ledger.record(revoker, "email", "revoked", source="link")
    ledger.record(revoker, "sms", "revoked", source="keyword")
    ledger.record(bounced, "email", "bounced", source="provider")
    # an unconfirmed subscriber given a row anyway (enqueue normally skips them)
    pending = Subscriber.objects.create(email="pending@example.org", phone="+12025550999",
                                        topics=["daily"])
    ledger.record(pending, "email", "requested", source="form")
    enqueue(post, ["email", "sms"], subscribers=[pending])
    work()
    got = {r.rcpt_tos[0] for r in sink.received}
    assert got == {ok.email}
    assert {m["to"] for m in fake.messages} == {str(ok.phone), str(bounced.phone)}
    by = {(r.subscriber_id, r.channel): r.state for r in Delivery.objects.all()}
    assert by[(revoker.pk, "email")] == by[(revoker.pk, "sms")] == states.SUPPRESSED
    assert by[(bounced.pk, "email")] == states.SUPPRESSED
    assert by[(pending.pk, "email")] == by[(pending.pk, "sms")] == states.SUPPRESSED


def test_crash_after_the_provider_took_the_sms_is_not_sent_twice(post, subscribers, channels):
    _, fake = channels
    subs = subscribers(3, ("sms",))
    enqueue(post, ["sms"])
    w = Worker(WorkerConfig(channels=("sms",)))
    _, rows = claim(["sms"], limit=10, lease=dt.timedelta(seconds=60))
    assert len(rows) == 3 and all(r.state == states.SENDING for r in rows)
    # the worker handed the first two to Twilio, then died before marking them sent
    for r in rows[:2]:
        w.sms.send(str(r.subscriber.phone), r.body)
    # another text to the first number meanwhile (a HELP answer): not ours
    w.sms.send(str(rows[0].subscriber.phone), "Tapereader: reply STOP to cancel.")
    expire(rows)
    work(channels=("sms",))
    for s in subs:
        ours = [m for m in fake.sent_to(str(s.phone)) if "STOP to cancel" not in m["body"]]
        assert len(ours) == 1
    rows = {r.subscriber_id: r for r in Delivery.objects.all()}
    assert all(r.state == states.SENT for r in rows.values())
    assert "found at the provider" in rows[subs[0].pk].recovery
    assert "found at the provider" in rows[subs[1].pk].recovery
    assert "not at the provider" in rows[subs[2].pk].recovery
    sid = {m["to"]: m["sid"] for m in fake.messages if "STOP to cancel" not in m["body"]}
    assert all(r.provider_id == sid[str(r.subscriber.phone)] for r in rows.values())


def test_crash_recovery_of_email_resends_with_the_same_message_id(post, subscribers, channels):
    sink, _ = channels
    subscribers(2, ("email",))
    enqueue(post, ["email"])
    _, rows = claim(["email"], limit=10, lease=dt.timedelta(seconds=60))
    w = Worker(WorkerConfig(channels=("email",)))
    w.email.send(w.build_email(rows[0]), message_id=rows[0].message_id)  # then killed
    expire(rows)
    work(channels=("email",))
    ids = ["".join(str(parse(r)["Message-ID"]).split()) for r in sink.received]
    assert len(ids) == 3 and ids.count(rows[0].message_id) == 2  # the in-flight duplicate
    for r in Delivery.objects.all():
        assert r.state == states.SENT
        assert "resent: SMTP cannot be asked" in r.recovery


def test_email_recovery_on_the_eml_folder_is_exact(post, subscribers, settings, tmp_path):
    settings.TAPEREADER_EMAIL_URL = f"file://{tmp_path}"
    subscribers(2, ("email",))
    enqueue(post, ["email"])
    _, rows = claim(["email"], limit=10, lease=dt.timedelta(seconds=60))
    w = Worker(WorkerConfig(channels=("email",)))
    w.email.send(w.build_email(rows[0]), message_id=rows[0].message_id)
    expire(rows)
    work(channels=("email",))
    assert len(list(tmp_path.glob("*.eml"))) == 2
    recs = {r.pk: r.recovery for r in Delivery.objects.all()}
    assert "found by Message-ID" in recs[rows[0].pk]
    assert "not in the backend" in recs[rows[1].pk]


def test_transient_failure_retries_with_backoff(post, subscribers, channels):
    _, fake = channels
    subscribers(1, ("sms",))
    enqueue(post, ["sms"])
    fake.fail_next(1, 503)
    w = work(channels=("sms",))
    row = Delivery.objects.get()
    assert row.state == states.QUEUED and w.stats["retried"] == 1
    assert row.not_before > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10)
    assert "503" in row.reason and not fake.messages
    Delivery.objects.update(not_before=dt.datetime.now(dt.UTC))
    work(channels=("sms",))
    assert Delivery.objects.get().state == states.SENT and len(fake.messages) == 1


def test_permanent_failures_stop_and_write_the_ledger(post, subscribers, channels):
    sink, fake = channels
    from tapereader.web.subscribers.consent import may_send
    from tapereader.web.subscribers.models import ConsentEvent

    texter, mailer = subscribers(2)
    fake.unsubscribed(str(texter.phone))
    sink.reject(mailer.email, 550, "5.1.1 No such user")
    enqueue(post)
    work()
    rows = {(r.subscriber_id, r.channel): r for r in Delivery.objects.all()}
    assert rows[(texter.pk, "sms")].state == states.FAILED
    assert "21610" in rows[(texter.pk, "sms")].reason
    assert rows[(mailer.pk, "email")].state == states.FAILED
    assert not may_send(texter, "sms", "daily") and may_send(texter, "email", "daily")
    assert not may_send(mailer, "email", "daily") and may_send(mailer, "sms", "daily")
    events = set(ConsentEvent.objects.filter(source="provider").values_list("channel", "event"))
    assert events == {("sms", "revoked"), ("email", "bounced")}


def test_quiet_hours_defer_texts_not_drop_them(post, subscribers, channels):
    _, fake = channels
    from tapereader.web.delivery.schedule import zone

    (sub,) = subscribers(1, ("sms",))
    from tests.web.delivery.killhelper import zone_at_hour

    night = zone_at_hour(23)
    sub.timezone = night
    sub.save()
    enqueue(post, ["sms"])
    work(channels=("sms",))
    row = Delivery.objects.get()
    assert row.state == states.QUEUED and row.reason == "quiet hours" and not fake.messages
    local = row.not_before.astimezone(zone(night))
    assert (local.hour, local.minute) == (8, 0)
    assert row.not_before - dt.datetime.now(dt.UTC) < dt.timedelta(hours=11)


def test_account_rate_limit_paces_texts(post, subscribers, channels, settings):
    _, fake = channels
    settings.TAPEREADER_SMS_RATE = 0.01   # one text per 100 s
    settings.TAPEREADER_SMS_BURST = 2
    subscribers(4, ("sms",))
    enqueue(post, ["sms"])
    w = work(channels=("sms",))
    assert len(fake.messages) == 2 and w.stats["deferred_rate"] == 2
    assert set(Delivery.objects.values_list("state", flat=True)) == {states.SENT, states.QUEUED}


def test_per_number_limit(post, subscribers, channels, settings):
    _, fake = channels
    from tests.web.delivery.killhelper import make_post

    settings.TAPEREADER_SMS_PER_NUMBER_PER_DAY = 1
    subscribers(1, ("sms",))
    enqueue(post, ["sms"])
    enqueue(make_post(dt.date(2013, 7, 9), "Another"), ["sms"])
    w = work(channels=("sms",))
    assert len(fake.messages) == 1 and w.stats["deferred_number"] == 1
    row = Delivery.objects.get(state=states.QUEUED)
    assert row.reason == "per-number limit"
    assert row.not_before > dt.datetime.now(dt.UTC) + dt.timedelta(hours=23)
