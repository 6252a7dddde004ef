"""SMS: the confirmation text through the real twilio client to the fake API, the inbound
webhook (signature, YES, STOP and its synonyms, free text, START, HELP)."""

from __future__ import annotations

import logging
import re

import pytest
from django.conf import settings

from tapereader.web.subscribers.consent import Status, may_send, status
from tapereader.web.subscribers.keywords import Intent, intent
from tapereader.web.subscribers.models import Channel, ConsentEvent, Subscriber

from .helpers import form_data

pytestmark = pytest.mark.django_db

NUMBER = "+12025550143"
STOP_WORDS = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
FREE_TEXT = ["stop texting me", "Please don't text me again", "no more messages please",
             "Take me off this list", "opt me out", "Stop sending these", "leave me alone!",
             "I want to unsubscribe", "Stop."]
NOT_STOP = ["YES", "Thanks for the note", "What time is the close?", "HELP"]


def inbound(client, fake, body, number=NUMBER, signature=None):
    url = settings.SITE_URL + "/hooks/sms/inbound/"
    params = {"From": number, "To": fake.env["TAPEREADER_SMS_FROM"], "Body": body,
              "MessageSid": "SM" + "1" * 32, "AccountSid": fake.account_sid}
    sig = fake.signature(url, params) if signature is None else signature
    return client.post("/hooks/sms/inbound/", params, HTTP_X_TWILIO_SIGNATURE=sig)


def replies(resp) -> list[str]:
    return re.findall(r"<Message>(.*?)</Message>", resp.content.decode(), re.S)


@pytest.fixture
def pending(client, wired):
    """A subscriber who asked for texts: the confirmation went out through the fake API."""
    _, fake = wired
    client.post("/subscribe/", form_data(phone="(202) 555-0143", sms_consent=True))
    sub = Subscriber.objects.get()
    return sub, fake


@pytest.fixture
def confirmed(client, pending):
    sub, fake = pending
    assert replies(inbound(client, fake, "YES"))
    sub.refresh_from_db()
    assert status(sub, Channel.SMS) == Status.ACTIVE
    return sub, fake


def test_confirmation_text_through_twilio(pending):
    sub, fake = pending
    sent = fake.sent_to(NUMBER)
    assert len(sent) == 1 and "reply YES to confirm" in sent[0]["body"]
    assert "STOP to cancel" in sent[0]["body"] and "Msg & data rates may apply" in sent[0]["body"]
    post = next(r for r in fake.requests if r.method == "POST")
    assert post.path == f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
    assert post.form["From"] == [fake.env["TAPEREADER_SMS_FROM"]]
    assert status(sub, Channel.SMS, NUMBER) == Status.PENDING
    assert not may_send(sub, Channel.SMS, "daily")


def test_one_text_per_hour(client, pending):
    _, fake = pending
    client.post("/subscribe/", form_data(phone="(202) 555-0143", sms_consent=True))
    assert len(fake.sent_to(NUMBER)) == 1


def test_yes_with_valid_signature_confirms(client, pending):
    sub, fake = pending
    resp = inbound(client, fake, " yes ")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/xml")
    assert len(replies(resp)) == 1 and "you are subscribed" in replies(resp)[0]
    sub.refresh_from_db()
    assert str(sub.phone) == NUMBER and not sub.pending_phone
    assert may_send(sub, Channel.SMS, "daily")
    ev = ConsentEvent.objects.filter(channel="sms").order_by("id").last()
    asked = ConsentEvent.objects.filter(channel="sms", event="requested").get()
    assert (ev.event, ev.source) == ("confirmed", "keyword")
    assert ev.disclosure_sha256 == asked.disclosure_sha256 != ""


def test_yes_from_another_number_does_not_confirm(client, pending):
    sub, fake = pending
    inbound(client, fake, "YES", number="+12025550199")
    assert status(sub, Channel.SMS, NUMBER) == Status.PENDING


def test_bad_signature_refused_and_logged(client, pending, caplog):
    sub, fake = pending
    with caplog.at_level(logging.WARNING, logger="tapereader.web.subscribers.views"):
        assert inbound(client, fake, "YES", signature="bm90LWEtc2lnbmF0dXJl").status_code == 403
        assert inbound(client, fake, "YES", signature="").status_code == 403
    assert "bad X-Twilio-Signature" in caplog.text
    assert status(sub, Channel.SMS, NUMBER) == Status.PENDING
    url = settings.SITE_URL + "/hooks/sms/inbound/"
    sig = fake.signature(url, {"From": NUMBER, "Body": "NO"})   # signed for another body
    assert inbound(client, fake, "YES", signature=sig).status_code == 403


@pytest.mark.parametrize("word", STOP_WORDS + [w.lower() for w in STOP_WORDS[:3]])
def test_every_stop_word_revokes(client, confirmed, word):
    sub, fake = confirmed
    resp = inbound(client, fake, word)
    assert status(sub, Channel.SMS) == Status.STOPPED and not may_send(sub, Channel.SMS, "daily")
    (reply,) = replies(resp)
    assert "unsubscribed" in reply and "http" not in reply  # one text, no marketing
    assert replies(inbound(client, fake, word)) == []          # a second STOP: no more texts


@pytest.mark.parametrize("body", FREE_TEXT)
def test_free_text_revocations(client, confirmed, body):
    sub, fake = confirmed
    inbound(client, fake, body)
    assert status(sub, Channel.SMS) == Status.STOPPED


@pytest.mark.parametrize("body", NOT_STOP)
def test_other_texts_do_not_revoke(body):
    assert intent(body) != Intent.STOP


def test_stop_revokes_a_pending_request_too(client, pending):
    sub, fake = pending
    inbound(client, fake, "STOP")
    inbound(client, fake, "YES")
    sub.refresh_from_db()
    assert not sub.phone and status(sub, Channel.SMS, NUMBER) != Status.ACTIVE


@pytest.mark.parametrize("word", ["START", "UNSTOP"])
def test_start_resubscribes(client, confirmed, word):
    sub, fake = confirmed
    inbound(client, fake, "STOP")
    resp = inbound(client, fake, word)
    assert status(sub, Channel.SMS) == Status.ACTIVE and replies(resp)
    assert ConsentEvent.objects.filter(channel="sms").order_by("id").last().event == \
        "resubscribed"


def test_help_answers_with_contact(client, confirmed):
    sub, fake = confirmed
    (reply,) = replies(inbound(client, fake, "help"))
    assert settings.TAPEREADER_CONTACT_EMAIL in reply and "STOP" in reply
    assert status(sub, Channel.SMS) == Status.ACTIVE


def test_stop_from_unknown_number_is_remembered(client, wired):
    _, fake = wired
    inbound(client, fake, "STOP", number="+12025550100")
    ev = ConsentEvent.objects.get()
    assert (ev.channel, ev.event, ev.subscriber_id) == ("sms", "revoked", None)
