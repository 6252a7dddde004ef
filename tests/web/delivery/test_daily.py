"""``daily`` on the real data: publish, send, alerts; run twice, the second run sends
nothing; on a holiday nothing happens. Alerts: one per symbol and kind per week. Trade
ideas: the day's setups from a scan of real universe files."""

from __future__ import annotations

import datetime as dt

import pytest

from tapereader.web.delivery import states
from tapereader.web.delivery.alerts import iso_week, publish_alerts, signals
from tapereader.web.delivery.models import AlertLog, Delivery
from tapereader.web.delivery.runner import daily, latest_session

pytestmark = pytest.mark.django_db


def test_latest_session_rules():
    close = dt.datetime(2013, 6, 21, 20, 0, tzinfo=dt.UTC)  # 16:00 EDT
    assert latest_session(dt.date(2013, 6, 21), close + dt.timedelta(minutes=1)) == "2013-06-21"
    assert latest_session(dt.date(2013, 6, 21), close - dt.timedelta(minutes=1)) is None
    assert latest_session(dt.date(2013, 7, 4), close + dt.timedelta(days=20)) is None  # holiday
    assert latest_session(dt.date(2013, 6, 22), close + dt.timedelta(days=1)) is None  # Saturday


def test_alert_signals_pick_fresh_index_events_only():
    found = [
        {"kind": "reversal_day", "symbol": "GSPC", "timeframe": "daily", "known_at": "2013-06-21",
         "figures": {"direction": "bearish"}, "summary": "s1"},
        {"kind": "reversal_day", "symbol": "RUT", "timeframe": "daily", "known_at": "2013-06-21",
         "figures": {"direction": "bullish"}, "summary": "bullish: no alert"},
        {"kind": "trendline_break", "symbol": "GSPC", "timeframe": "daily",
         "known_at": "2013-06-21", "figures": {"direction": "up"}, "summary": "daily: no alert"},
        {"kind": "trendline_break", "symbol": "RUT", "timeframe": "weekly",
         "known_at": "2013-06-14", "figures": {"direction": "up"}, "summary": "stale"},
        {"kind": "trendline_break", "symbol": "NDX", "timeframe": "weekly",
         "known_at": "2013-06-21", "figures": {"direction": "up"}, "summary": "s2"},
        {"kind": "trendline_break", "symbol": "TLT", "timeframe": "weekly",
         "known_at": "2013-06-21", "figures": {"direction": "up"}, "summary": "not an index"},
    ]
    got = signals(found, "2013-06-21", {"GSPC", "RUT", "NDX"})
    assert [(s.symbol, s.kind) for s in got] == [("GSPC", "bearish_reversal"),
                                                 ("NDX", "weekly_trendline_break")]
    assert iso_week(dt.date(2013, 6, 21)) == "2013-W25"


def test_at_most_one_alert_per_symbol_kind_and_week(post):
    post.findings = {"findings": [
        {"kind": "trendline_break", "symbol": "GSPC", "timeframe": "weekly",
         "known_at": post.date.isoformat(), "figures": {"direction": "up"},
         "summary": "GSPC broke the uptrend line from the November 2012 low."}]}
    post.save()
    (alert,) = publish_alerts(post)
    assert alert.kind == "alert" and alert.date == post.date and alert.is_public
    assert "GSPC broke the uptrend line" in alert.body_html
    assert "not a recommendation" in alert.body_md
    assert publish_alerts(post) == []
    assert AlertLog.objects.count() == 1


@pytest.mark.realdata
def test_daily_twice_sends_once_and_alerts_once(market_dir, subscribers, channels, settings):
    sink, fake = channels
    subs = subscribers(3)
    r1 = daily(asof="2013-06-21", data=market_dir)
    assert r1.session == "2013-06-21" and r1.published
    kinds = {a.findings["symbol"] for a in r1.alerts}
    assert "GSPC" in kinds  # GSPC broke its weekly uptrend line from the November 2012 low
    n_posts = 1 + len(r1.alerts)
    assert len(sink.received) == 3 * n_posts
    assert len(fake.messages) == 3 * n_posts
    assert set(Delivery.objects.values_list("state", flat=True)) == {states.SENT}
    subjects = {str(m["Subject"]) for m in sink.messages}
    assert any(s.startswith("Alert:") for s in subjects)
    r2 = daily(asof="2013-06-21", data=market_dir)
    assert not r2.published and r2.alerts == []
    assert len(sink.received) == 3 * n_posts and len(fake.messages) == 3 * n_posts
    assert r2.sent is not None and r2.sent.enqueued == {"email": 0, "sms": 0}
    assert len(subs) == 3


@pytest.mark.realdata
def test_daily_on_a_holiday_does_nothing(market_dir, subscribers, channels):
    from tapereader.web.posts.models import Post

    sink, fake = channels
    subscribers(2)
    r = daily(asof="2013-07-04", data=market_dir)
    assert r.session is None and "not a session" in r.message
    assert Post.objects.count() == 0 and not sink.received and not fake.messages


def test_daily_truncates_old_commenter_ips_even_on_a_holiday(market_dir):
    from django.utils import timezone

    from tapereader.web.comments.models import Comment, Commenter

    from .killhelper import make_post

    post = make_post()
    who = Commenter.objects.create(email="a@example.com")
    old = Comment.objects.create(post=post, commenter=who, name="A", body="old", ip="203.0.113.77",
                                 created=timezone.now() - dt.timedelta(days=400))
    fresh = Comment.objects.create(post=post, commenter=who, name="A", body="new",
                                   ip="198.51.100.5", created=timezone.now())
    daily(asof="2013-07-04", data=market_dir)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.ip, fresh.ip) == ("203.0.113.0", "198.51.100.5")


IDEA_SYMBOLS = ["WDC", "BBY", "HRB", "NFLX", "PRU", "GILD", "EA", "LNC", "V", "AAPL", "MSFT",
                "XOM", "JPM", "KO", "PG", "T"]


@pytest.fixture
def small_universe(market_dir, tmp_path):
    import shutil

    d = tmp_path / "universe"
    d.mkdir()
    for s in IDEA_SYMBOLS:
        shutil.copy(market_dir / "universe" / f"{s}.csv", d / f"{s}.csv")
    return d


@pytest.mark.realdata
def test_trade_ideas_are_the_days_setups_worded_as_things_to_watch(small_universe):
    from tapereader.scan.runner import run_scan
    from tapereader.web.delivery.ideas import MIN_RS, PER_KIND, TOP, pick_ideas

    result = run_scan(small_universe, "2013-07-08", workers=1)
    ideas = pick_ideas(result, "2013-07-08")
    assert 1 <= len(ideas) <= TOP
    kinds = [i["kind"] for i in ideas]
    assert all(kinds.count(k) <= PER_KIND for k in set(kinds))
    rows = result.rows[result.rows["known_at"] == "2013-07-08"]
    for i in ideas:
        mine = rows[(rows["symbol"] == i["symbol"]) & (rows["kind"] == i["kind"])]
        assert not mine.empty  # a setup the scan found, known at that close
        if i["kind"] == "breakout":
            assert int(result.rating[i["symbol"]]) >= MIN_RS
            level = f"{float(mine['figures.level'].iloc[0]):g}"
            assert level in i["text"]
        if i["kind"] == "reversal_day":
            assert (mine["figures.direction"] == "bearish").any()
        assert "Worth watching" in i["text"]
        assert not any(w in i["text"].lower() for w in (" buy", " sell", "should", "recommend"))


@pytest.mark.realdata
def test_daily_mail_ends_with_the_ideas(post, subscribers, channels, settings, small_universe):
    from tapereader.web.delivery.ideas import prepare_ideas
    from tapereader.web.delivery.outbox import enqueue
    from tapereader.web.delivery.worker import Worker, WorkerConfig

    sink, _ = channels
    settings.TAPEREADER_UNIVERSE = str(small_universe)
    ideas = prepare_ideas(post)
    assert ideas
    subscribers(1, ("email",))
    enqueue(post, ["email"])
    Worker(WorkerConfig(channels=("email",))).run(until_empty=True)
    msg = sink.messages[0]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Setups to watch" in text and "not recommendations" in text
    for i in ideas:
        assert i["symbol"] in text and i["symbol"] in html
    assert text.index("Setups to watch") > text.index("Russell 2000")
