"""Delivery throughput: 10,000 subscribers, email to an aiosmtpd sink on 127.0.0.1, two
worker processes on a throwaway PostgreSQL 15, next to the floor measured in the same run
(smtplib sending the same prebuilt message to the same sink in a loop, one connection),
measured before and after the outbox's run (the mean is the floor: the machine is shared).

    python benchmarks/delivery.py [--subscribers N] [--floor N]

The sink runs in its own process for both measurements. The outbox's rate is messages over
the span from the first claim to the last ``sent`` mark (process start-up excluded; the wall
time with start-up is printed too). Prints both rates; the last line is one JSON object
(messages, messages_per_s, floor_per_s, ratio, duplicates, lost, ...).
Target: >= 50% of the floor and >= 200 messages/s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


# -- the sink, in its own process ---------------------------------------------------------

def sink_main(out: str) -> None:
    """Run an SmtpSink until SIGTERM, then write [rcpt, Message-ID] pairs to ``out``."""
    import email.parser
    import email.policy

    from tests.web.fakes.smtp_sink import SmtpSink

    sink = SmtpSink().start()
    print(sink.port, flush=True)
    done = []
    signal.signal(signal.SIGTERM, lambda *_: done.append(1))
    while not done:
        time.sleep(0.05)
    sink.stop()
    pairs = []
    parser = email.parser.BytesHeaderParser(policy=email.policy.default)
    for r in sink.received:
        mid = "".join(str(parser.parsebytes(r.raw).get("Message-ID", "")).split())
        pairs += [[t.lower(), mid] for t in r.rcpt_tos]
    Path(out).write_text(json.dumps(pairs))


@contextlib.contextmanager
def sink_process(tmp: Path):
    out = tmp / "sink.json"
    p = subprocess.Popen([sys.executable, __file__, "--sink", str(out)], stdout=subprocess.PIPE,
                         text=True, cwd=ROOT)
    assert p.stdout is not None
    port = int(p.stdout.readline())
    box: dict = {"port": port, "pairs": None}
    try:
        yield box
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=120)
        box["pairs"] = json.loads(out.read_text()) if out.exists() else []


# -- PostgreSQL --------------------------------------------------------------------------

def pg_cluster():
    """The tests' throwaway cluster (the ``pg_cluster`` fixture of tests/web/conftest.py),
    used outside pytest as a context manager."""
    from tests.web import conftest

    fixture = conftest.pg_cluster
    fn = getattr(fixture, "__wrapped__", None) or fixture.__pytest_wrapped__.obj
    return contextlib.contextmanager(fn)()


def site_env(db_url: str, tmp: Path, smtp_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TAPEREADER_", "TWILIO_", "DJANGO_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tapereader.web.settings",
        "TAPEREADER_SITE_DB": db_url, "TAPEREADER_SECRET_KEY": "bench-key-" + "b" * 40,
        "TAPEREADER_SITE_URL": "https://notes.example.org",
        "TAPEREADER_CONFIG_DIR": str(tmp / "config"),
        "TAPEREADER_SITE_DATA_DIR": str(tmp / "data"),
        "TAPEREADER_CONFIG": str(tmp / "config" / "none.toml"),
        "TAPEREADER_EMAIL_URL": smtp_url, "TAPEREADER_DELIVERY_LEASE": "120",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
    })
    return env


def run_helper(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "tests.web.delivery.killhelper", *args],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if out.returncode:
        raise SystemExit(f"helper {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def prebuilt_message(env: dict[str, str]) -> bytes:
    """The first subscriber's real message, as the workers build it (for the floor)."""
    code = ("from tests.web.delivery.killhelper import setup; setup()\n"
            "import sys\n"
            "from tapereader.web.delivery.models import Delivery\n"
            "from tapereader.web.delivery.worker import Worker\n"
            "row = Delivery.objects.select_related('post','subscriber').order_by('id').first()\n"
            "w = Worker()\n"
            "msg = w.build_email(row)\n"
            "sys.stdout.buffer.write(msg.message().as_bytes(linesep='\\r\\n'))\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                         timeout=300)
    if out.returncode:
        raise SystemExit(f"building the message failed:\n{out.stderr.decode()[-3000:]}")
    return out.stdout


def floor(port: int, raw: bytes, n: int) -> float:
    """smtplib: the same message ``n`` times over one connection; messages/s."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        t0 = time.perf_counter()
        for i in range(n):
            s.sendmail("bench@example.org", [f"floor{i}@example.org"], raw)
        return n / (time.perf_counter() - t0)


def outbox_span(db_url: str) -> tuple[float, int]:
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        t0, t1, n = conn.execute(
            "SELECT min(claimed_at), max(sent_at), count(*) FILTER (WHERE state='sent') "
            "FROM delivery_delivery").fetchone()
    return (t1 - t0).total_seconds(), int(n)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subscribers", type=int, default=10_000)
    ap.add_argument("--floor", type=int, default=5_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sink", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.sink:
        sink_main(a.sink)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="tapereader-bench-delivery-"))
    try:
        with pg_cluster() as cluster:
            import psycopg

            with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
                conn.execute("CREATE DATABASE bench")
            db_url = cluster.url("bench")
            with sink_process(tmp) as sink:
                env = site_env(db_url, tmp, f"smtp://127.0.0.1:{sink['port']}")
                t = time.perf_counter()
                seeded = run_helper(env, "seed", str(a.subscribers), "email")
                print(f"seeded {a.subscribers} subscribers, {seeded['created']['email']} rows "
                      f"({time.perf_counter() - t:.1f} s)", flush=True)
                raw = prebuilt_message(env)
                floor_before = floor(sink["port"], raw, a.floor)
                print(f"floor: smtplib, one connection, {a.floor} x {len(raw)} bytes: "
                      f"{floor_before:.0f} messages/s", flush=True)
                t = time.perf_counter()
                procs = [subprocess.Popen([sys.executable, "-m", "tapereader.web.delivery",
                                           "--until-empty", "--channels", "email"],
                                          env=env, cwd=ROOT) for _ in range(a.workers)]
                codes = [p.wait(timeout=3600) for p in procs]
                wall = time.perf_counter() - t
                span, sent = outbox_span(db_url)
                # the floor again right after: the machine is shared, so the floor is the
                # mean of the runs before and after the outbox's
                floor_after = floor(sink["port"], raw, a.floor)
                floor_rate = (floor_before + floor_after) / 2
                print(f"floor again after the outbox: {floor_after:.0f} messages/s "
                      f"(mean {floor_rate:.0f})", flush=True)
            pairs = sink["pairs"]
        workers_mail = [p for p in pairs if not p[0].startswith("floor")]
        per_rcpt: dict[str, int] = {}
        for rcpt, _ in workers_mail:
            per_rcpt[rcpt] = per_rcpt.get(rcpt, 0) + 1
        duplicates = sum(c - 1 for c in per_rcpt.values())
        lost = a.subscribers - len(per_rcpt)
        rate = sent / span if span > 0 else 0.0
        print(f"outbox: {a.workers} workers on PostgreSQL, {sent} messages in {span:.2f} s "
              f"(first claim to last sent; {wall:.2f} s with process start-up): "
              f"{rate:.0f} messages/s = {rate / floor_rate:.0%} of the floor; "
              f"duplicates {duplicates}, lost {lost}, worker exit codes {codes}")
        print(json.dumps({"messages": sent, "messages_per_s": round(rate, 1),
                          "floor_per_s": round(floor_rate, 1),
                          "floor_before_per_s": round(floor_before, 1),
                          "floor_after_per_s": round(floor_after, 1),
                          "ratio": round(rate / floor_rate, 3), "duplicates": duplicates,
                          "lost": lost, "workers": a.workers, "span_s": round(span, 3),
                          "wall_s": round(wall, 3), "message_bytes": len(raw)}))
        return 0 if not lost and not duplicates else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
