"""The kill test: two worker processes on PostgreSQL, 2,000 recipients, email and SMS, and
200 comment-reply mails in the same outbox; one worker is killed with SIGKILL at a random
moment 20 times and restarted. At the end every recipient has exactly one SMS at the fake
Twilio API (zero duplicates), at least one email at the SMTP sink (any duplicate from the
in-flight window is counted and reported), every commenter their reply mail, and the outbox
agrees with both sinks."""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.web.conftest import site_db_backend
from tests.web.fakes.fake_twilio import FakeTwilio
from tests.web.fakes.smtp_sink import SmtpSink

pytestmark = pytest.mark.skipif(site_db_backend() != "postgres",
                                reason="the kill test runs in the PostgreSQL pass")

RECIPIENTS = int(os.environ.get("TAPEREADER_KILL_RECIPIENTS", "2000"))
KILLS = int(os.environ.get("TAPEREADER_KILL_TIMES", "20"))
REPLIES = int(os.environ.get("TAPEREADER_KILL_REPLIES", "200"))
ROOT = Path(__file__).resolve().parents[3]


def create_database(cluster, name: str) -> None:
    import psycopg

    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(cluster, name: str) -> None:
    import psycopg

    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site_env(cluster, db: str, tmp: Path, sink: SmtpSink, fake: FakeTwilio, *,
             lease: float = 2.0) -> dict[str, str]:
    """The environment of a worker process: the site's settings on this database and the
    two fakes, a short lease so recoveries happen within the test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAPEREADER_", "TWILIO_",
                                                                     "DJANGO_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tapereader.web.settings",
        "TAPEREADER_SITE_DB": cluster.url(db),
        "TAPEREADER_SECRET_KEY": "kill-test-key-" + "k" * 40,
        "TAPEREADER_SITE_URL": "http://127.0.0.1:8000",
        "TAPEREADER_CONFIG_DIR": str(tmp / "config"),
        "TAPEREADER_SITE_DATA_DIR": str(tmp / "data"),
        "TAPEREADER_CONFIG": str(tmp / "config" / "none.toml"),
        "TAPEREADER_EMAIL_URL": sink.url + "?timeout=10",
        "TAPEREADER_SMS_URL": "",
        "TAPEREADER_DELIVERY_LEASE": str(lease),
        "TAPEREADER_SMS_RATE": "0",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        **fake.env,
    })
    return env


def helper(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "tests.web.delivery.killhelper", *args],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tapereader.web.delivery"], env=env, cwd=ROOT,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def outbox_state(cluster, db: str) -> tuple[int, int]:
    """(rows not done, rows in flight) straight from the database."""
    import psycopg

    with psycopg.connect(cluster.url(db), autocommit=True) as conn:
        left, flying = conn.execute(
            "SELECT count(*) FILTER (WHERE state NOT IN ('sent','delivered','undelivered',"
            "'failed','suppressed')), count(*) FILTER (WHERE state IN ('sending','unknown')) "
            "FROM delivery_delivery").fetchone()
    return int(left), int(flying)


def wait_until_working(proc: subprocess.Popen, pg_port: int, timeout: float = 120) -> None:
    """Until the worker process holds a connection to PostgreSQL (its start-up is over and
    it is claiming), so that a kill lands in its work, not in its imports."""
    import psutil

    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        conns = psutil.Process(proc.pid).net_connections(kind="tcp")
        if any(c.raddr and c.raddr.port == pg_port and c.status == psutil.CONN_ESTABLISHED
               for c in conns):
            return
        time.sleep(0.05)


def test_kill_nine_twenty_times_no_loss_no_sms_duplicate(pg_cluster, tmp_path):
    rng = random.Random(int(os.environ.get("TAPEREADER_KILL_SEED", "16")))
    t0 = time.monotonic()
    db = f"kill_{uuid.uuid4().hex[:8]}"
    sink, fake = SmtpSink().start(), FakeTwilio().start()
    create_database(pg_cluster, db)
    workers: list[subprocess.Popen] = []
    try:
        env = site_env(pg_cluster, db, tmp_path, sink, fake)
        seeded = helper(env, "seed", str(RECIPIENTS), "email,sms", str(REPLIES))
        assert seeded["created"] == {"email": RECIPIENTS, "sms": RECIPIENTS}
        assert seeded["replies"] == REPLIES
        log = tmp_path / "workers.log"
        workers = [start_worker(env, log), start_worker(env, log)]
        kills, kill_log = 0, []
        deadline = time.monotonic() + 420
        while kills < KILLS and time.monotonic() < deadline:
            i = rng.randrange(2)
            wait_until_working(workers[i], pg_cluster.port)
            time.sleep(rng.uniform(0.05, 0.8))  # a random moment of its work
            os.kill(workers[i].pid, signal.SIGKILL)
            workers[i].wait(timeout=30)
            kills += 1
            kill_log.append(outbox_state(pg_cluster, db))
            workers[i] = start_worker(env, log)
        while time.monotonic() < deadline and outbox_state(pg_cluster, db)[0]:
            time.sleep(0.5)
        left, _ = outbox_state(pg_cluster, db)
        assert left == 0, f"{left} rows never finished; see {log}:\n{log.read_text()[-3000:]}"
        assert kills == KILLS
        mid_work = sum(1 for left_at_kill, flying in kill_log if left_at_kill and flying)
        assert mid_work >= KILLS * 3 // 4, f"most kills must hit rows in flight: {kill_log}"

        rows = helper(env, "report")["rows"]
        by_channel = collections.defaultdict(list)
        for r in rows:
            by_channel["reply" if r["comment_id"] else r["channel"]].append(r)
        assert len(by_channel["reply"]) == REPLIES
        assert all(r["state"] == "sent" for r in rows), collections.Counter(
            r["state"] for r in rows)

        # SMS: exactly one per number at the provider, and the row holds its sid
        texts = collections.Counter(m["to"] for m in fake.messages)
        assert len(texts) == RECIPIENTS and set(texts.values()) == {1}, \
            f"SMS duplicates: {[n for n, c in texts.items() if c > 1][:10]}"
        sid_of = {m["to"]: m["sid"] for m in fake.messages}
        for r in by_channel["sms"]:
            assert r["provider_id"] == sid_of[r["subscriber__phone"]]

        # email: every recipient at least once, each copy with the row's Message-ID
        mails = collections.defaultdict(list)
        for rec in sink.received:
            for to in rec.rcpt_tos:
                mails[to.lower()].append("".join(str(rec.message["Message-ID"]).split()))
        posts = {a: v for a, v in mails.items() if a.endswith("@example.org")}
        replies = {a: v for a, v in mails.items() if a.endswith("@example.net")}
        assert len(posts) == RECIPIENTS, f"lost mail: {RECIPIENTS - len(posts)}"
        assert len(replies) == REPLIES, f"lost reply mail: {REPLIES - len(replies)}"
        assert len(mails) == RECIPIENTS + REPLIES
        for r in by_channel["email"]:
            ids = mails[r["subscriber__email"].lower()]
            assert set(ids) == {r["message_id"]}
        for r in by_channel["reply"]:
            assert set(replies[r["address"].lower()]) == {r["message_id"]}
        duplicates = sum(len(v) - 1 for v in posts.values())
        reply_duplicates = sum(len(v) - 1 for v in replies.values())
        recovered = sum(1 for r in rows if r["recovery"])
        assert recovered > 0  # the kills left rows in flight, and they were recovered
        print(f"\nkill test: {kills} kills ({mid_work} with rows in flight), {len(rows)} rows, "
              f"{recovered} recovered after a crash, email duplicates from the in-flight "
              f"window: {duplicates} (reply mails: {reply_duplicates}), SMS duplicates: 0, "
              f"{time.monotonic() - t0:.0f} s")
        # one in-flight mail per killed worker at most
        assert duplicates + reply_duplicates <= kills
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGKILL)
                w.wait(timeout=30)
        sink.stop()
        fake.stop()
        drop_database(pg_cluster, db)
