"""The spam rules, the moderation decision, threading, IP truncation and the tokens."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.test import override_settings

from tapereader.web.comments import tokens
from tapereader.web.comments.conf import comment_settings
from tapereader.web.comments.moderation import (
    HELD,
    PUBLIC,
    SPAMMED,
    comments_open,
    decide,
    reply_parent,
)
from tapereader.web.comments.privacy import truncate_ip
from tapereader.web.comments.rules import (
    HOLD,
    SPAM,
    Reason,
    Submission,
    body_hash,
    check,
    count_links,
    over_rate_limit,
)

NOW = 1_800_000_000.0


def sub(**kw) -> Submission:
    base = dict(post_id=7, name="Ann", email="ann@example.com", website="", ip="203.0.113.9",
                body="IWM looks extended here.", honeypot="",
                form_token=tokens.form_token(7, now=NOW - 60))
    base.update(kw)
    return Submission(**base)


def rules(s: Submission, find=lambda h: None, **conf) -> list[str]:
    with override_settings(**{f"TAPEREADER_COMMENTS_{k.upper()}": v for k, v in conf.items()}):
        return [r.rule for r in check(s, now=NOW, conf=comment_settings(), find_duplicate=find)]


def test_a_plain_comment_fires_nothing() -> None:
    assert rules(sub()) == []


def test_honeypot() -> None:
    assert rules(sub(honeypot="http://spam.example")) == ["honeypot"]


def test_timing_too_fast_forged_other_post_and_stale() -> None:
    assert rules(sub(form_token=tokens.form_token(7, now=NOW - 1))) == ["too-fast"]
    assert rules(sub(form_token="")) == ["form-token"]
    assert rules(sub(form_token=tokens.form_token(7, now=NOW - 60) + "x")) == ["form-token"]
    assert rules(sub(form_token=tokens.form_token(8, now=NOW - 60))) == ["form-token"]
    assert rules(sub(form_token=tokens.form_token(7, now=NOW - 3 * 86400))) == ["stale-form"]
    assert rules(sub(form_token=tokens.form_token(7, now=NOW - 1)), min_seconds=0.5) == []


def test_form_token_from_another_install_is_refused() -> None:
    t = tokens.form_token(7, now=NOW - 60)
    with override_settings(SECRET_KEY="another-install-" + "y" * 40):
        assert tokens.form_loaded_at(t, 7) is None
    assert tokens.form_loaded_at(t, 7) == pytest.approx(NOW - 60)


def test_links() -> None:
    assert count_links("see https://a.example and [b](https://b.example) and www.c.example") == 3
    assert count_links("[a](https://a.example)") == 1
    assert rules(sub(body="https://a.example https://b.example")) == []
    three = "https://a.example https://b.example [c](https://c.example)"
    assert rules(sub(body=three)) == ["links"]


def test_listed_words_configurable_and_whole_words() -> None:
    assert rules(sub(body="Cheap VIAGRA here")) == ["words"]
    assert rules(sub(name="casino king")) == ["words"]
    assert rules(sub(body="the casinos")) == []  # whole words only
    assert rules(sub(body="buy gold now"), hold_words=["buy gold"]) == ["words"]
    assert rules(sub(body="Cheap viagra"), hold_words=[]) == []


def test_duplicate_text_ignores_case_and_spacing() -> None:
    seen = {body_hash("IWM looks extended here."): 41}
    assert rules(sub(body="iwm  LOOKS extended here!"), find=seen.get) == ["duplicate"]
    assert rules(sub(body="QQQ lags."), find=seen.get) == []


def test_every_rule_that_fires_is_recorded() -> None:
    s = sub(honeypot="x", body="viagra https://a.example https://b.example https://c.example",
            form_token="")
    assert rules(s, find=lambda h: 3) == ["honeypot", "form-token", "links", "words",
                                          "duplicate"]


def test_rate_limits_per_ip_and_per_email() -> None:
    cache = LocMemCache("rate-test", {})
    conf = comment_settings()
    results = [over_rate_limit(cache, sub(email=f"u{i}@example.com"), conf) for i in range(6)]
    assert results[:5] == [None] * 5 and "IP" in results[5]
    cache.clear()
    results = [over_rate_limit(cache, sub(ip=f"198.51.100.{i}"), conf) for i in range(6)]
    assert results[:5] == [None] * 5 and "email" in results[5]
    assert over_rate_limit(cache, sub(ip="192.0.2.1", email="b@example.com"), conf) is None
    cache.clear()  # IPv6: one /64 is one client
    results = [over_rate_limit(cache, sub(ip=f"2001:db8:0:7::{i:x}", email=f"v{i}@example.com"),
                               conf) for i in range(6)]
    assert results[:5] == [None] * 5 and "IP" in results[5]
    assert over_rate_limit(cache, sub(ip="2001:db8:0:8::1", email="w@example.com"), conf) is None


def R(verdict: str) -> Reason:
    return Reason("x", "x", verdict)


@pytest.mark.parametrize("reasons,approved,email_blocked,ip_blocked,status,rules_", [
    ([], False, False, False, HELD, ["first-comment"]),
    ([], True, False, False, PUBLIC, []),
    ([R(HOLD)], True, False, False, HELD, ["x"]),
    ([R(SPAM)], True, False, False, SPAMMED, ["x"]),
    ([], True, True, False, HELD, ["blocked-email"]),
    ([], True, False, True, HELD, ["blocked-ip"]),
])
def test_decide(reasons, approved, email_blocked, ip_blocked, status, rules_) -> None:
    d = decide(reasons, email_approved=approved, email_blocked=email_blocked,
               ip_blocked=ip_blocked)
    assert d.status == status and [r.rule for r in d.reasons] == rules_


def test_comments_close_after_n_days() -> None:
    pub = dt.datetime(2013, 7, 8, 22, tzinfo=dt.UTC)
    assert comments_open(pub, pub + dt.timedelta(days=29), 30)
    assert not comments_open(pub, pub + dt.timedelta(days=30, seconds=1), 30)
    assert comments_open(pub, pub + dt.timedelta(days=3000), None)
    assert not comments_open(None, pub, 30)
    assert not comments_open(pub, pub - dt.timedelta(seconds=1), 30)  # not yet public


def test_replies_nest_two_levels() -> None:
    assert reply_parent([1]) == 1  # reply to a top-level comment
    assert reply_parent([2, 1]) == 2  # reply to a reply: level two
    assert reply_parent([3, 2, 1]) == 2  # deeper: joins level two
    assert reply_parent([3, 2, 1], max_depth=1) == 1


@pytest.mark.parametrize("ip,expected", [
    ("203.0.113.77", "203.0.113.0"), ("2001:db8:1234:5678::1", "2001:db8:1234::"),
    ("::ffff:198.51.100.9", "198.51.100.0"), ("not an ip", ""),
])
def test_truncate_ip(ip: str, expected: str) -> None:
    assert truncate_ip(ip) == expected


def test_commenter_tokens_have_their_own_purpose() -> None:
    t = tokens.commenter_token(5, "unsubscribe")
    assert tokens.commenter_from_token(t, "unsubscribe") == 5
    assert tokens.commenter_from_token(t, "forget") is None
    assert tokens.commenter_from_token(t[:-1] + ("A" if t[-1] != "A" else "B"),
                                       "unsubscribe") is None
    with override_settings(SECRET_KEY="another-install-" + "y" * 40):
        assert tokens.commenter_from_token(t, "unsubscribe") is None


def test_form_token_roundtrip_uses_real_clock() -> None:
    t = tokens.form_token(3)
    assert abs(tokens.form_loaded_at(t, 3) - time.time()) < 5
