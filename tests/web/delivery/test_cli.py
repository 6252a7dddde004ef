"""The delivery commands through the CLI's own entry point (``tapereader.cli._run``, what
``main`` runs; ``worker`` as its own process, stopped with SIGTERM) against the SMTP sink:
send (and --dry-run), daily (twice, and on a holiday), bounces is in test_bounces.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tapereader.web.delivery import states
from tapereader.web.delivery.models import Delivery

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def cli(*args: str) -> int:
    from tapereader.cli import _run

    with pytest.raises(SystemExit) as e:
        _run(list(args))
    return int(e.value.code or 0)


def test_send_dry_run_then_send(post, subscribers, channels, capsys):
    sink, _ = channels
    subscribers(3, ("email",))
    assert cli("send", "--post", "latest", "--channels", "email", "--dry-run") == 0
    assert "2013-07-08 email: 3 new recipient(s) would be queued" in capsys.readouterr().out
    assert not Delivery.objects.exists() and not sink.received
    assert cli("send", "--post", "2013-07-08", "--channels", "email") == 0
    out = capsys.readouterr().out
    assert "2013-07-08: queued 3 new; outbox: sent 3" in out
    assert sorted(r.rcpt_tos[0] for r in sink.received) == [
        f"reader{i}@example.org" for i in range(3)]
    assert cli("send", "--post", "latest", "--channels", "email") == 0  # idempotent
    assert "queued 0 new; outbox: sent 3" in capsys.readouterr().out
    assert len(sink.received) == 3


def test_send_bad_input_is_one_line(post, channels, capsys):
    assert cli("send", "--post", "1999-01-04") == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "1999-01-04" in err
    assert cli("send", "--channels", "fax") == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "fax" in err


def test_daily_sends_once_and_does_nothing_on_a_holiday(post, subscribers, channels, capsys):
    sink, _ = channels
    subscribers(2, ("email",))
    args = ("daily", "--provider", "none", "--channels", "email")
    assert cli(*args, "--asof", "2013-07-08") == 0
    assert "2013-07-08: already published, 2 sent, 0 alert(s)" in capsys.readouterr().out
    assert len(sink.received) == 2
    assert cli(*args, "--asof", "2013-07-08") == 0
    assert "2013-07-08: already published, 0 sent" in capsys.readouterr().out
    assert cli(*args, "--asof", "2013-07-04") == 0
    assert "2013-07-04 is not a session" in capsys.readouterr().out
    assert len(sink.received) == 2
    assert set(Delivery.objects.values_list("state", flat=True)) == {states.SENT}


@pytest.mark.skipif(os.environ.get("TAPEREADER_TEST_SITE_DB") == "postgres",
                    reason="its own SQLite file: run once, in the SQLite pass")
def test_worker_process_sends_then_stops_on_sigterm(tmp_path, smtp_sink):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TAPEREADER_", "TWILIO_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "tapereader.web.settings",
                "TAPEREADER_SITE_DB": str(tmp_path / "site.sqlite3"),
                "TAPEREADER_SECRET_KEY": "cli-test-key-" + "c" * 40,
                "TAPEREADER_CONFIG_DIR": str(tmp_path / "config"),
                "TAPEREADER_SITE_DATA_DIR": str(tmp_path / "data"),
                "TAPEREADER_CONFIG": str(tmp_path / "config" / "none.toml"),
                "TAPEREADER_EMAIL_URL": smtp_sink.url, "TAPEREADER_SMS_URL": "",
                "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"})
    seeded = subprocess.run([sys.executable, "-m", "tests.web.delivery.killhelper", "seed", "5",
                             "email", "2"], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    assert json.loads(seeded.stdout.splitlines()[-1])["created"] == {"email": 5}
    proc = subprocess.Popen([sys.executable, "-m", "tapereader.cli", "worker", "--channels",
                             "email"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while len(smtp_sink.received) < 7 and time.monotonic() < deadline \
                and proc.poll() is None:
            time.sleep(0.1)
        assert proc.poll() is None, proc.communicate()  # long-running: still there
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    assert "worker stopped:" in out and "sent 7" in out, (out, err)
    rcpts = sorted(r.rcpt_tos[0] for r in smtp_sink.received)
    assert len(rcpts) == 7 and len(set(rcpts)) == 7  # 5 post mails and 2 reply mails, once
