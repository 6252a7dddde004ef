"""Quiet hours, backoff, per-number limits, the STOP notice rule, the token bucket, the
Message-ID and the recovery decisions: plain functions, no database."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest

from tapereader.web.delivery import states
from tapereader.web.delivery.identity import message_id, normalize_message_id
from tapereader.web.delivery.ratelimit import Bucket, take, wait_for_one
from tapereader.web.delivery.recovery import ProviderMessage, recover_email, recover_sms
from tapereader.web.delivery.schedule import (
    in_quiet_hours,
    needs_stop_notice,
    per_number_next,
    retry_at,
    sms_allowed_at,
    zone,
)

NY = zone("America/New_York")


def utc(*a):
    return datetime(*a, tzinfo=UTC)


@pytest.mark.parametrize(("local", "quiet"), [
    (time(20, 59), False), (time(21, 0), True), (time(23, 59), True), (time(0, 0), True),
    (time(7, 59), True), (time(8, 0), False), (time(12, 0), False),
])
def test_in_quiet_hours(local, quiet):
    assert in_quiet_hours(local) is quiet


def test_sms_deferred_to_eight_local_not_dropped():
    # 2013-07-08 22:30 EDT = 02:30 UTC on the 9th -> 08:00 EDT on the 9th = 12:00 UTC
    assert sms_allowed_at(utc(2013, 7, 9, 2, 30), NY) == utc(2013, 7, 9, 12, 0)
    # 06:00 EDT -> 08:00 EDT the same day
    assert sms_allowed_at(utc(2013, 7, 9, 10, 0), NY) == utc(2013, 7, 9, 12, 0)
    # 16:30 EDT: now
    now = utc(2013, 7, 8, 20, 30)
    assert sms_allowed_at(now, NY) == now


def test_quiet_hours_follow_the_subscriber_zone_and_dst():
    tokyo = zone("Asia/Tokyo")
    now = utc(2013, 7, 8, 20, 30)  # 05:30 JST on the 9th
    assert sms_allowed_at(now, tokyo) == utc(2013, 7, 8, 23, 0)
    # the night DST ends in New York (2013-11-03): 08:00 EST = 13:00 UTC
    assert sms_allowed_at(utc(2013, 11, 3, 5, 0), NY) == utc(2013, 11, 3, 13, 0)
    assert zone("Not/AZone") == NY and zone("") == NY


def test_retry_backoff_grows_capped_with_jitter():
    now = utc(2026, 1, 1)
    rng = random.Random(1)
    d = [(retry_at(a, now, rng=rng) - now).total_seconds() for a in range(1, 12)]
    assert 15 <= d[0] <= 30 and 30 <= d[1] <= 60 and 60 <= d[2] <= 120
    assert max(d) <= 3600 and d[-1] >= 1800


def test_per_number_limit():
    now = utc(2026, 1, 2, 12)
    day = timedelta(days=1)
    sent = [now - timedelta(hours=h) for h in (1, 5, 30)]
    assert per_number_next(sent, now, limit=3, window=day) == now
    assert per_number_next(sent, now, limit=2, window=day) == now - timedelta(hours=5) + day


def test_stop_notice_first_and_weekly():
    now = utc(2026, 1, 8)
    assert needs_stop_notice(None, now)
    assert not needs_stop_notice(now - timedelta(days=6, hours=23), now)
    assert needs_stop_notice(now - timedelta(days=7), now)


def test_token_bucket():
    t0 = utc(2026, 1, 1)
    b = Bucket(0.0, t0)
    granted, b = take(b, t0 + timedelta(seconds=2), rate=10, burst=5, want=100)
    assert granted == 5 and b.tokens == 0  # capped at the burst
    granted, b2 = take(b, t0 + timedelta(seconds=2.25), rate=10, burst=5, want=100)
    assert granted == 2 and abs(b2.tokens - 0.5) < 1e-9
    assert abs(wait_for_one(b2, rate=10) - 0.05) < 1e-9
    granted, b3 = take(b2, t0, rate=10, burst=5, want=1)  # clock went back: no refill
    assert granted == 0 and b3.at == b2.at


def test_message_id_is_stable_and_keyed():
    a = message_id("2013-07-08", 7, domain="example.org", secret="s1")
    assert a == message_id("2013-07-08", 7, domain="example.org", secret="s1")
    assert a != message_id("2013-07-08", 8, domain="example.org", secret="s1")
    assert a != message_id("2013-07-08", 7, domain="example.org", secret="s2")
    assert a.startswith("<tr.2013-07-08.7.") and a.endswith("@example.org>")
    assert normalize_message_id(" " + a[:10] + "\n " + a[10:]) == a


def test_recovery_decisions():
    body = "TR: x https://e/s/1/"
    sent = [ProviderMessage("SM1", "STOP reply"), ProviderMessage("SM2", body)]
    d = recover_sms(sent, body=body, known_ids=set())
    assert d.action == "mark_sent" and d.provider_id == "SM2"
    # the same text already owned by another row (a second post with the same words) is not ours
    assert recover_sms(sent, body=body, known_ids={"SM2"}).action == "resend"
    assert recover_sms([], body=body, known_ids=set()).action == "resend"
    assert recover_email(found_id="<m@x>", can_look_up=True).action == "mark_sent"
    assert recover_email(found_id=None, can_look_up=False).reason.startswith("resent")


def test_state_transitions():
    assert states.can_move(states.QUEUED, states.SENDING)
    assert states.can_move(states.SENDING, states.UNKNOWN)
    assert states.can_move(states.UNKNOWN, states.SENT)
    assert states.can_move(states.SENT, states.DELIVERED)
    assert not states.can_move(states.DELIVERED, states.SENT)  # a late "sent" callback
    assert not states.can_move(states.SENT, states.QUEUED)
    assert not states.can_move(states.SUPPRESSED, states.SENDING)
