"""The consent ledger: append-only (model and database trigger), status derived from it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from tapereader.web.subscribers import disclosures, ledger
from tapereader.web.subscribers.consent import Status, may_send, status
from tapereader.web.subscribers.models import (
    AppendOnly,
    Channel,
    ConsentEvent,
    Event,
    Source,
    Subscriber,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sub():
    return Subscriber.objects.create(email="Reader@Example.com", topics=["daily"])


def test_record_and_status(sub):
    d = disclosures.current(Channel.EMAIL)
    assert status(sub, Channel.EMAIL) == Status.NONE
    ev = ledger.record(sub, Channel.EMAIL, Event.REQUESTED, source=Source.FORM, disclosure=d,
                       ip="127.0.0.1", user_agent="UA", page_url="https://x/p/")
    assert ev.address_sha256 == ledger.address_hash("email", "reader@example.com")
    assert ev.disclosure_sha256 == d.sha256 == disclosures.sha256_text(d.text)
    assert ev.detail.address == "reader@example.com" and ev.detail.ip == "127.0.0.1"
    assert status(sub, Channel.EMAIL) == Status.PENDING
    assert not may_send(sub, Channel.EMAIL, "daily")
    ledger.record(sub, Channel.EMAIL, Event.CONFIRMED, source=Source.FORM, disclosure=d)
    assert may_send(sub, Channel.EMAIL, "daily")
    assert not may_send(sub, Channel.EMAIL, "alert_reversal")  # topic not chosen
    assert not may_send(sub, Channel.SMS, "daily")
    ledger.record(sub, Channel.EMAIL, Event.BOUNCED, source=Source.PROVIDER)
    assert status(sub, Channel.EMAIL) == Status.STOPPED
    assert not may_send(sub, Channel.EMAIL, "daily")
    ledger.record(sub, Channel.EMAIL, Event.RESUBSCRIBED, source=Source.FORM, disclosure=d)
    assert may_send(sub, Channel.EMAIL, "daily")


def test_stop_under_another_subscriber_stops_the_number(sub):
    other = Subscriber.objects.create(email="b@example.com", phone="+12025550143")
    sub.phone = "+12025550143"
    sub.save()
    ledger.record(sub, Channel.SMS, Event.CONFIRMED, source=Source.KEYWORD)
    assert status(sub, Channel.SMS) == Status.ACTIVE
    ledger.record(other, Channel.SMS, Event.REVOKED, source=Source.KEYWORD)
    assert status(sub, Channel.SMS) == Status.STOPPED


def test_disclosure_stored_once_per_text(settings):
    a = disclosures.current(Channel.SMS)
    assert disclosures.current(Channel.SMS).pk == a.pk
    settings.TAPEREADER_SMS_FREQUENCY = "up to 5 messages per week"
    b = disclosures.current(Channel.SMS)
    assert (b.version, a.version) == (a.version + 1, a.version) and b.sha256 != a.sha256
    for words in ("Msg & data rates may apply", "Reply HELP for help, STOP to cancel",
                  "not a condition of purchase", "Terms and Conditions", "Privacy Policy",
                  settings.TAPEREADER_PROGRAM_NAME, "up to 5 messages per week"):
        assert words in b.text


def test_model_refuses_update_and_delete(sub):
    ev = ledger.record(sub, Channel.EMAIL, Event.REQUESTED, source=Source.FORM)
    ev.event = Event.CONFIRMED
    with pytest.raises(AppendOnly):
        ev.save()
    with pytest.raises(AppendOnly):
        ev.delete()
    with pytest.raises(AppendOnly):
        ConsentEvent.objects.filter(pk=ev.pk).update(event="confirmed")
    with pytest.raises(AppendOnly):
        ConsentEvent.objects.all().delete()
    assert ConsentEvent.objects.get(pk=ev.pk).event == Event.REQUESTED


@pytest.mark.parametrize("sql", [
    "UPDATE subscribers_consentevent SET event = 'confirmed'",
    "DELETE FROM subscribers_consentevent",
    "UPDATE subscribers_consenteventdetail SET address = 'x@example.com'",
])
def test_database_trigger_refuses(sub, sql):
    ledger.record(sub, Channel.EMAIL, Event.REQUESTED, source=Source.FORM)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cur:
        cur.execute(sql)
    assert ConsentEvent.objects.filter(event=Event.REQUESTED).count() == 1
