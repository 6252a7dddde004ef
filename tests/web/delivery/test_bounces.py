"""The bounce mailbox reader: real-shaped delivery status notifications (Postfix with the
original's headers, Exim-like with the whole original message, a delay, an auto-reply) in a
Maildir folder and in an mbox file; hard bounces are applied once, whatever the number of
readings, and the mailbox is left as it was."""

from __future__ import annotations

import mailbox

import pytest

from tapereader.web.delivery import states
from tapereader.web.delivery.bounces import BounceMailboxError, read_bounces
from tapereader.web.delivery.models import BounceReport, Delivery
from tapereader.web.delivery.outbox import enqueue
from tapereader.web.delivery.worker import Worker, WorkerConfig

pytestmark = pytest.mark.django_db

POSTFIX = """Return-Path: <>
Received: by mx.notes.example.org (Postfix) id 4Xy2Kq1Zz3z9tH; Wed,  2 Dec 2026 00:51:02 +0000
Date: Wed,  2 Dec 2026 00:51:02 +0000 (UTC)
From: MAILER-DAEMON@mx.notes.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: note@notes.example.org
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4Xy2Kq1Zz3z9tH.1733100662/mx.notes.example.org"
Content-Transfer-Encoding: 8bit
Message-Id: <20261202005102.4Xy2Kq1Zz3z9tH@mx.notes.example.org>

This is a MIME-encapsulated message.

--4Xy2Kq1Zz3z9tH.1733100662/mx.notes.example.org
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx.notes.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{rcpt}>: host mx.example.org[192.0.2.25] said: 550 5.1.1
    <{rcpt}>: Recipient address rejected: User unknown (in reply to RCPT TO
    command)

--4Xy2Kq1Zz3z9tH.1733100662/mx.notes.example.org
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.notes.example.org
X-Postfix-Queue-ID: 4Xy2Kq1Zz3z9tH
X-Postfix-Sender: rfc822; note@notes.example.org
Arrival-Date: Wed,  2 Dec 2026 00:51:01 +0000 (UTC)

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User
    unknown

--4Xy2Kq1Zz3z9tH.1733100662/mx.notes.example.org
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

Return-Path: <note@notes.example.org>
From: tapereader <note@notes.example.org>
To: {rcpt}
Subject: tapereader: Small caps lead the rally
Message-ID:
 {mid}
List-Unsubscribe-Post: List-Unsubscribe=One-Click

--4Xy2Kq1Zz3z9tH.1733100662/mx.notes.example.org--
"""

EXIM = """Return-path: <>
From: Mail Delivery System <Mailer-Daemon@relay.example.net>
To: note@notes.example.org
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1tHx5B-0007Qm-2v@relay.example.net>
Date: Wed, 02 Dec 2026 00:52:13 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary=1733100733-eximdsn-1

--1733100733-eximdsn-1
Content-type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {rcpt}
    mailbox is full: retry timeout exceeded

--1733100733-eximdsn-1
Content-type: message/delivery-status

Reporting-MTA: dns; relay.example.net

Action: failed
Final-Recipient: rfc822;{rcpt}
Status: 5.0.0

--1733100733-eximdsn-1
Content-type: message/rfc822

Message-ID: {mid}
From: tapereader <note@notes.example.org>
To: {rcpt}
Subject: tapereader: Small caps lead the rally
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

The Russell 2000 closed at an all-time high.

--1733100733-eximdsn-1--
"""

DELAYED = POSTFIX.replace("Action: failed", "Action: delayed").replace(
    "Status: 5.1.1", "Status: 4.4.1").replace("Undelivered Mail Returned", "Delayed Mail")

AUTOREPLY = """From: Reader <{rcpt}>
To: note@notes.example.org
Subject: Out of office
Auto-Submitted: auto-replied
Message-ID: <ooo-1@example.org>

I am away until Monday.
"""


@pytest.fixture
def sent(post, subscribers, channels):
    """Three mails sent to the sink: (subscriber, row) pairs."""
    subs = subscribers(3, ("email",))
    enqueue(post, ["email"])
    Worker(WorkerConfig(channels=("email",))).run(until_empty=True)
    rows = {r.subscriber_id: r for r in Delivery.objects.all()}
    return [(s, rows[s.pk]) for s in subs]


def fill(template: str, sub, row) -> bytes:
    return template.replace("{rcpt}", sub.email).replace("{mid}", row.message_id).encode()


def reports(sent) -> list[bytes]:
    (a, ra), (b, rb), (c, rc) = sent
    return [fill(POSTFIX, a, ra), fill(EXIM, b, rb), fill(DELAYED, c, rc),
            fill(AUTOREPLY, c, rc)]


def check_applied(sent) -> None:
    from tapereader.web.subscribers.consent import may_send
    from tapereader.web.subscribers.models import ConsentEvent

    (a, ra), (b, rb), (c, rc) = sent
    for r in (ra, rb, rc):
        r.refresh_from_db()
    assert ra.state == rb.state == states.UNDELIVERED and rc.state == states.SENT
    assert "5.1.1" in ra.reason and "5.0.0" in rb.reason
    assert not may_send(a, "email", "daily") and not may_send(b, "email", "daily")
    assert may_send(c, "email", "daily")  # a delay and an auto-reply change nothing
    assert ConsentEvent.objects.filter(event="bounced").count() == 2  # once each


def test_maildir_hard_bounces_applied_once(sent, tmp_path, settings):
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    for raw in reports(sent):
        box.add(raw)
    before = sorted(p.name for p in (tmp_path / "bounces").rglob("*") if p.is_file())
    run = read_bounces(tmp_path / "bounces")
    assert (run.read, run.new, run.hard, run.not_dsn) == (4, 4, 2, 1)
    check_applied(sent)
    again = read_bounces(tmp_path / "bounces")  # the next day: nothing applied twice
    assert (again.read, again.new, again.hard) == (4, 0, 0)
    check_applied(sent)
    assert BounceReport.objects.count() == 4
    after = sorted(p.name for p in (tmp_path / "bounces").rglob("*") if p.is_file())
    assert after == before  # only read


def test_mbox_and_the_command(sent, tmp_path, settings, capsys):
    from tapereader.cli import _run

    path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(path, create=True)
    for raw in reports(sent):
        box.add(raw)
    box.flush()
    box.close()
    settings.TAPEREADER_BOUNCE_MAILBOX = str(path)
    with pytest.raises(SystemExit) as e:
        _run(["bounces"])
    assert e.value.code == 0
    assert "4 message(s), 4 new, 2 hard bounce(s) applied" in capsys.readouterr().out
    check_applied(sent)
    # a later DSN appended to the same mbox: only it is new
    (a, ra), _, _ = sent
    with path.open("ab") as f:
        f.write(b"From MAILER-DAEMON Wed Dec  2 01:00:00 2026\n"
                + fill(POSTFIX, a, ra).replace(b"4Xy2Kq1Zz3z9tH", b"5Ab3Lr2Yy4w8uJ") + b"\n")
    assert read_bounces(path).new == 1
    from tapereader.web.subscribers.models import ConsentEvent

    assert ConsentEvent.objects.filter(event="bounced").count() == 3


def test_a_bad_mailbox_is_one_line(tmp_path, settings, capsys, db):
    from tapereader.cli import _run

    (tmp_path / "plain").mkdir()
    with pytest.raises(BounceMailboxError, match="is not a Maildir"):
        read_bounces(tmp_path / "plain")
    settings.TAPEREADER_BOUNCE_MAILBOX = ""
    with pytest.raises(SystemExit) as e:
        _run(["bounces"])
    assert e.value.code == 1
    assert "TAPEREADER_BOUNCE_MAILBOX" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        _run(["bounces", "--mailbox", str(tmp_path / "missing")])
    err = capsys.readouterr().err
    assert e.value.code == 1 and "no such Maildir folder or mbox file" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
